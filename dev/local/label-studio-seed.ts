// Puts a Label Studio into a known state through its HTTP API: a text-classification project, N tasks,
// one annotation per task, and export storages of real kinds pointing at local targets.
import { mkdir } from 'node:fs/promises';
import { labelStudioJson } from './label-studio-server';

/** Where and how to reach Label Studio: any server, not only one started here. */
export interface LabelStudioConnection {
  readonly url: string;
  readonly legacyToken: string;
}

export type ExportStorageSpec =
  /** A folder strictly under the server's LOCAL_FILES_DOCUMENT_ROOT; created when missing. */
  | { type: 'localfiles'; path: string }
  /** Label Studio's export default is db 2. */
  | { type: 'redis'; host: string; port: number; db?: number }
  /** The server must run with STORAGE_EMULATOR_HOST pointing at the emulator. */
  | { type: 'gcs'; bucket: string; prefix?: string }
  | { type: 's3'; bucket: string; prefix?: string; endpoint: string; accessKeyId: string; secretAccessKey: string; region: string };

export type ExportStorageType = ExportStorageSpec['type'];

export interface CreatedExportStorage {
  readonly type: ExportStorageType;
  readonly id: number;
  readonly title: string;
}

export interface SeededProject {
  readonly projectId: number;
  readonly taskIds: number[];
  readonly annotationIds: number[];
  readonly storages: CreatedExportStorage[];
}

export interface SeedOptions {
  taskCount: number;
  title?: string;
  storages?: readonly ExportStorageSpec[];
}

export const TEXT_CLASSIFICATION_CONFIG = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
  </Choices>
</View>`;

const auth = (ls: LabelStudioConnection): string => `Token ${ls.legacyToken}`;

/**
 * Creates the project, its tasks and one annotation per task, and then the storages. Label Studio syncs
 * an export storage when it is created and writes every later annotation to it as it is saved, so right
 * after seeding each target already holds one object per annotation.
 */
export async function seedLabelStudio(ls: LabelStudioConnection, options: SeedOptions): Promise<SeededProject> {
  const project = await labelStudioJson<{ id: number }>(ls.url, auth(ls), 'POST', '/api/projects', {
    title: options.title ?? `seed ${new Date().toISOString()}`,
    label_config: TEXT_CLASSIFICATION_CONFIG,
  });
  const tasks = Array.from({ length: options.taskCount }, (_, i) => ({ text: `Seed task ${i + 1}: a short review to classify.` }));
  const imported = await labelStudioJson<{ task_ids?: number[]; task_count: number }>(
    ls.url, auth(ls), 'POST', `/api/projects/${project.id}/import?return_task_ids=true`, tasks);
  const taskIds = imported.task_ids ?? [];
  if (taskIds.length !== options.taskCount) {
    throw new Error(`imported ${imported.task_count} tasks, got ${taskIds.length} ids, wanted ${options.taskCount}`);
  }
  const annotationIds = await addAnnotations(ls, taskIds);
  const storages: CreatedExportStorage[] = [];
  for (const spec of options.storages ?? []) storages.push(await createExportStorage(ls, project.id, spec));
  return { projectId: project.id, taskIds, annotationIds, storages };
}

/** One more annotation on each given task (as the admin); returns the new annotation ids. */
export async function addAnnotations(ls: LabelStudioConnection, taskIds: readonly number[]): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, taskId] of taskIds.entries()) {
    const annotation = await labelStudioJson<{ id: number }>(ls.url, auth(ls), 'POST', `/api/tasks/${taskId}/annotations`, {
      result: [{
        from_name: 'sentiment',
        to_name: 'text',
        type: 'choices',
        value: { choices: [i % 2 === 0 ? 'Positive' : 'Negative'] },
      }],
    });
    ids.push(annotation.id);
  }
  return ids;
}

/** POST /api/storages/export/{type}; the server validates the connection first and answers 400 when it fails. */
export async function createExportStorage(
  ls: LabelStudioConnection,
  projectId: number,
  spec: ExportStorageSpec,
): Promise<CreatedExportStorage> {
  const title = `${spec.type} export`;
  const body = { project: projectId, title, ...(await storageFields(spec)) };
  const created = await labelStudioJson<{ id: number }>(ls.url, auth(ls), 'POST', `/api/storages/export/${spec.type}`, body);
  return { type: spec.type, id: created.id, title };
}

async function storageFields(spec: ExportStorageSpec): Promise<Record<string, unknown>> {
  switch (spec.type) {
    case 'localfiles':
      await mkdir(spec.path, { recursive: true }); // Label Studio refuses a path that does not exist
      return { path: spec.path, use_blob_urls: false };
    case 'redis':
      return { host: spec.host, port: String(spec.port), db: spec.db ?? 2 };
    case 'gcs':
      return { bucket: spec.bucket, prefix: spec.prefix ?? '' };
    case 's3':
      return {
        bucket: spec.bucket,
        prefix: spec.prefix ?? '',
        s3_endpoint: spec.endpoint,
        aws_access_key_id: spec.accessKeyId,
        aws_secret_access_key: spec.secretAccessKey,
        region_name: spec.region,
      };
  }
}
