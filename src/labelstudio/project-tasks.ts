/**
 * A page of a project's tasks with their annotations, as GET /api/tasks?project={id}&fields=all answers
 * it (data_manager TaskListAPI: `{tasks: [...], total, total_annotations, ...}`, each task with its
 * `annotations`). Only what key-level verification needs is kept: ids and when each annotation was made.
 */
export interface TaskPage {
  /** Tasks in the whole project (the paginator's count), so the reader knows when it has them all. */
  total: number;
  tasks: Array<{ id: number; annotations: Array<{ id: number; createdAt: string | null }> }>;
}

/** The page, or what is wrong with the answer. */
export function parseTaskPage(body: unknown): TaskPage | string {
  const record = asRecord(body);
  if (!record || !Array.isArray(record.tasks) || !isCount(record.total)) return 'the answer has no tasks list and total count';
  const tasks: TaskPage['tasks'] = [];
  for (const item of record.tasks) {
    const task = asRecord(item);
    if (!task || !isCount(task.id) || !Array.isArray(task.annotations)) return 'a task in the answer has no id or annotations (is fields=all honoured?)';
    const annotations: TaskPage['tasks'][number]['annotations'] = [];
    for (const a of task.annotations) {
      const annotation = asRecord(a);
      if (!annotation || !isCount(annotation.id)) return `an annotation of task ${task.id} has no id`;
      annotations.push({ id: annotation.id, createdAt: typeof annotation.created_at === 'string' ? annotation.created_at : null });
    }
    tasks.push({ id: task.id, annotations });
  }
  return { total: record.total, tasks };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
