import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describeBucket, exportKeyPrefix } from './key-prefix';
import type { S3TargetConfig } from './target-config';
import type { CountProgress, TargetCount } from './target-count';

export interface S3Location {
  bucket: string;
  prefix: string | null | undefined;
  /** The storage's own s3_endpoint and region_name, used when the worker configures none. */
  endpoint: string | undefined;
  region: string | undefined;
}

/** Objects under the storage's prefix, one ListObjectsV2 page at a time. */
export async function countS3Objects(location: S3Location, config: S3TargetConfig, progress: CountProgress, pageSize = 1000): Promise<TargetCount> {
  const endpoint = config.endpoint ?? location.endpoint;
  const client = new S3Client({
    endpoint,
    forcePathStyle: Boolean(endpoint), // S3-compatible servers (MinIO, moto) rarely serve bucket subdomains
    region: config.region ?? location.region ?? 'us-east-1',
    credentials: config.credentials,
    maxAttempts: 1, // the activity's retry policy retries
  });
  const keyPrefix = exportKeyPrefix(location.prefix);
  let objects = 0;
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: keyPrefix, MaxKeys: pageSize, ContinuationToken: token }));
      objects += page.KeyCount ?? page.Contents?.length ?? 0;
      progress(objects);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return { target: describeBucket('s3', location.bucket, keyPrefix), objects };
}
