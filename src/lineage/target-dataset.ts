// An export storage's target as an OpenLineage dataset, from the fields Label Studio returns for it:
// bucket, prefix, path, host, port, db. Never an endpoint, a key or anything that may hold one.
import type { ExportStorage } from '../labelstudio/export-storage';
import type { StorageType } from '../labelstudio/storage-types';
import type { DatasetName } from './run-event';

/** gs://bucket + prefix, s3://bucket + prefix, file + path, redis://host:port + db; null for targets without a naming here (azure, databricks) or a field missing. */
export function targetDataset(type: StorageType, storage: ExportStorage): DatasetName | null {
  switch (type) {
    case 'gcs':
    case 'gcs_sa':
    case 'gcswif':
      return bucket('gs', storage);
    case 's3':
    case 's3s':
      return bucket('s3', storage);
    case 'localfiles': {
      const path = text(storage.path);
      return path ? { namespace: 'file', name: path } : null;
    }
    case 'redis': {
      // Label Studio's defaults: localhost, 6379, db 2. A host given as user:password@host keeps only the host.
      const host = (text(storage.host) ?? 'localhost').replace(/^.*@/, '');
      return { namespace: `redis://${host}:${text(storage.port) ?? '6379'}`, name: `db/${text(storage.db) ?? '2'}` };
    }
    case 'azure':
    case 'azure_spi':
    case 'databricks':
      return null;
  }
}

function bucket(scheme: string, storage: ExportStorage): DatasetName | null {
  const name = text(storage.bucket);
  return name ? { namespace: `${scheme}://${name}`, name: text(storage.prefix) ?? '/' } : null;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
