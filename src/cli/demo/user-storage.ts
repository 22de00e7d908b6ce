import { ConfigError } from '../../config/config-error';

/** The user's storage to sync: from the command's arguments, else LABEL_STUDIO_STORAGE_TYPE / _ID. */
export function userStorage(type: string | undefined, id: string | undefined, env: NodeJS.ProcessEnv): { type: string; id: string } {
  const fix = 'Name the export storage to sync: npm run demo -- <type> <id> (e.g. gcs 3), or set LABEL_STUDIO_STORAGE_TYPE and LABEL_STUDIO_STORAGE_ID';
  const storageType = type ?? env.LABEL_STUDIO_STORAGE_TYPE?.trim();
  const storageId = id ?? env.LABEL_STUDIO_STORAGE_ID?.trim();
  if (!storageType) throw new ConfigError('LABEL_STUDIO_STORAGE_TYPE', 'not set', fix);
  if (!storageId) throw new ConfigError('LABEL_STUDIO_STORAGE_ID', 'not set', fix);
  return { type: storageType, id: storageId };
}
