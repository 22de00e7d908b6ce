/**
 * The key prefix under which Label Studio's gcs and s3 export storages write: `<prefix>/<annotation id>`,
 * or the bare id without a prefix (io_storages gcs/s3 models, save_annotation).
 */
export function exportKeyPrefix(prefix: string | null | undefined): string {
  return prefix ? `${prefix}/` : '';
}

export function describeBucket(kind: string, bucket: string, prefix: string): string {
  return `${kind} bucket ${JSON.stringify(bucket)}${prefix ? ` under ${JSON.stringify(prefix)}` : ''}`;
}
