import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describeBucket, exportKeyPrefix } from './key-prefix';
import type { S3TargetConfig } from './target-config';
import type { TargetListing } from './target-count';

export interface S3Location {
  bucket: string;
  prefix: string | null | undefined;
  /** The storage's own s3_endpoint and region_name, used when the worker configures none. */
  endpoint: string | undefined;
  region: string | undefined;
}

/** The keys under the storage's prefix, without it, a page per ListObjectsV2 request. */
export function listS3Keys(location: S3Location, config: S3TargetConfig, pageSize = 1000): TargetListing {
  const keyPrefix = exportKeyPrefix(location.prefix);
  return { target: describeBucket('s3', location.bucket, keyPrefix), pages: s3Pages(location, keyPrefix, config, pageSize) };
}

async function* s3Pages(location: S3Location, keyPrefix: string, config: S3TargetConfig, pageSize: number): AsyncGenerator<string[]> {
  const endpoint = config.endpoint ?? location.endpoint;
  const client = new S3Client({
    endpoint,
    forcePathStyle: Boolean(endpoint), // S3-compatible servers (MinIO, moto) rarely serve bucket subdomains
    region: config.region ?? location.region ?? 'us-east-1',
    credentials: config.credentials,
    maxAttempts: 1, // the activity's retry policy retries
  });
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: keyPrefix, MaxKeys: pageSize, ContinuationToken: token }));
      yield (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key.slice(keyPrefix.length)]));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
}
