// The export storage types: their model names (for 404 details), which edition has them and the
// type-specific fields their serializers show (secrets such as keys and passwords are never shown).
export type StorageType =
  | 'gcs_sa'
  | 'gcs'
  | 'gcswif'
  | 's3'
  | 's3s'
  | 'azure'
  | 'azure_spi'
  | 'redis'
  | 'localfiles'
  | 'databricks';

export type Edition = 'enterprise' | 'community';

interface TypeInfo {
  /** Django model name in "No <Model> matches the given query."; Enterprise names follow its OpenAPI schema. */
  model: string;
  enterpriseOnly: boolean;
  fields: Record<string, unknown>;
}

const bucket = { bucket: null, prefix: null, regex_filter: null, use_blob_urls: false };
const s3 = { ...bucket, region_name: null, s3_endpoint: null, aws_sse_kms_key_id: null };
const azure = { container: null, prefix: null, regex_filter: null, use_blob_urls: false, account_name: null };

// Key order is the order GET /api/storages/export lists types in (community list first, local files last).
export const STORAGE_TYPES: Record<StorageType, TypeInfo> = {
  s3: { model: 'S3ExportStorage', enterpriseOnly: false, fields: s3 },
  s3s: { model: 'LseS3ExportStorage', enterpriseOnly: true, fields: { ...s3, role_arn: null, external_id: null } },
  gcs: { model: 'GCSExportStorage', enterpriseOnly: false, fields: { ...bucket, google_project_id: null } },
  gcs_sa: {
    model: 'GCSSAExportStorage',
    enterpriseOnly: true,
    fields: { ...bucket, google_project_id: null, target_service_account_email: null },
  },
  gcswif: {
    model: 'GCSWIFExportStorage',
    enterpriseOnly: true,
    fields: {
      ...bucket,
      google_project_id: null,
      google_project_number: null,
      google_wif_pool_id: null,
      google_wif_provider_id: null,
      google_service_account_email: null,
    },
  },
  azure: { model: 'AzureBlobExportStorage', enterpriseOnly: false, fields: azure },
  azure_spi: {
    model: 'AzureServicePrincipalExportStorage',
    enterpriseOnly: true,
    fields: { ...azure, tenant_id: null, client_id: null },
  },
  redis: {
    model: 'RedisExportStorage',
    enterpriseOnly: false,
    fields: { path: null, host: null, port: null, db: 1, regex_filter: null, use_blob_urls: false },
  },
  databricks: {
    model: 'DatabricksExportStorage',
    enterpriseOnly: true,
    fields: { host: null, catalog: null, schema: null, volume: null, prefix: null, regex_filter: null, use_blob_urls: false },
  },
  localfiles: {
    model: 'LocalFilesExportStorage',
    enterpriseOnly: false,
    fields: { path: null, regex_filter: null, use_blob_urls: false },
  },
};

/** Types whose routes exist in this edition, in listing order. */
export function typesOf(edition: Edition): StorageType[] {
  return (Object.keys(STORAGE_TYPES) as StorageType[]).filter(
    (t) => edition === 'enterprise' || !STORAGE_TYPES[t].enterpriseOnly,
  );
}
