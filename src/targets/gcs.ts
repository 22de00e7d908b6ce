import { Storage } from '@google-cloud/storage';
import { describeBucket, exportKeyPrefix } from './key-prefix';
import type { GcsTargetConfig } from './target-config';
import type { CountProgress, TargetCount } from './target-count';

/** Objects under the storage's prefix, one listing page at a time. */
export async function countGcsObjects(
  bucket: string,
  prefix: string | null | undefined,
  config: GcsTargetConfig,
  progress: CountProgress,
  pageSize = 1000,
): Promise<TargetCount> {
  const storage = new Storage({
    apiEndpoint: config.endpoint,
    projectId: config.projectId,
    keyFilename: config.keyFile,
    // A custom endpoint is unauthenticated (an emulator) unless the worker was given a key for it.
    useAuthWithCustomEndpoint: Boolean(config.keyFile),
    retryOptions: { autoRetry: false }, // the activity's retry policy retries
  });
  const keyPrefix = exportKeyPrefix(prefix);
  let objects = 0;
  let pageToken: string | undefined;
  do {
    const [files, next] = await storage.bucket(bucket).getFiles({
      prefix: keyPrefix,
      autoPaginate: false,
      maxResults: pageSize,
      pageToken,
      fields: 'items(name),nextPageToken',
    });
    objects += files.length;
    progress(objects);
    pageToken = (next as { pageToken?: string } | null)?.pageToken;
  } while (pageToken);
  return { target: describeBucket('gcs', bucket, keyPrefix), objects };
}
