/**
 * A project's annotation counters as GET /api/projects/{id}/ reports them (ProjectSerializer's
 * total_annotations_number and num_tasks_with_annotations; updated_at where a version sends it).
 * They move when annotations are created or deleted, not when one is edited.
 */
export interface ProjectCounters {
  annotations: number;
  tasksWithAnnotations: number;
  updatedAt: string | null;
}

/** The counters, or what is missing from the answer. */
export function parseProjectCounters(body: unknown): ProjectCounters | string {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const count = (field: string) => {
    const value = record[field];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  };
  const annotations = count('total_annotations_number');
  const tasksWithAnnotations = count('num_tasks_with_annotations');
  if (annotations === undefined || tasksWithAnnotations === undefined) return 'the answer has no total_annotations_number and num_tasks_with_annotations counts';
  return { annotations, tasksWithAnnotations, updatedAt: typeof record.updated_at === 'string' ? record.updated_at : null };
}
