import { Storage } from '@google-cloud/storage';
import { describeBucket, exportKeyPrefix } from './key-prefix';
import type { GcsTargetConfig } from './target-config';
import type { TargetListing } from './target-count';

/** The names of the objects under the storage's prefix, without it, a page per listing request. */
export function listGcsKeys(bucket: string, prefix: string | null | undefined, config: GcsTargetConfig, pageSize = 1000): TargetListing {
  const keyPrefix = exportKeyPrefix(prefix);
  return { target: describeBucket('gcs', bucket, keyPrefix), pages: gcsPages(bucket, keyPrefix, config, pageSize) };
}

async function* gcsPages(bucket: string, keyPrefix: string, config: GcsTargetConfig, pageSize: number): AsyncGenerator<string[]> {
  const storage = new Storage({
    apiEndpoint: config.endpoint,
    projectId: config.projectId,
    keyFilename: config.keyFile,
    // A custom endpoint is unauthenticated (an emulator) unless the worker was given a key for it.
    useAuthWithCustomEndpoint: Boolean(config.keyFile),
    retryOptions: { autoRetry: false }, // the activity's retry policy retries
  });
  let pageToken: string | undefined;
  do {
    const [files, next] = await storage.bucket(bucket).getFiles({
      prefix: keyPrefix,
      autoPaginate: false,
      maxResults: pageSize,
      pageToken,
      fields: 'items(name),nextPageToken',
    });
    yield files.map((f) => f.name.slice(keyPrefix.length));
    pageToken = (next as { pageToken?: string } | null)?.pageToken;
  } while (pageToken);
}
