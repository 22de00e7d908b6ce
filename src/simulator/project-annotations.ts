// Projects' annotations, as far as the API shows them: ProjectAPI's counters (ProjectSerializer's
// total_annotations_number and num_tasks_with_annotations) and the data manager's task list
// (GET /api/tasks/?project=, each task with its annotations). Each annotation sits on a task of its
// own; tests add and delete them the way annotating would.
import type { SimClock } from './clock';
import { ApiError } from './errors';
import { restTime } from './time';

interface Annotation {
  id: number;
  task: number;
  createdAt: string;
}

/** TaskPagination's default page size (data_manager/api.py). */
const DEFAULT_PAGE_SIZE = 100;

export class ProjectAnnotationStore {
  private readonly annotations = new Map<number, Annotation[]>();
  private nextId = 1;

  constructor(private readonly clock: SimClock) {}

  /** `count` new annotations, each on a new task (negative: the newest deleted, with their tasks); the new annotations' ids. */
  annotate(project: number, count: number): number[] {
    const list = this.of(project);
    if (count < 0) {
      list.splice(Math.max(0, list.length + count));
      return [];
    }
    const createdAt = restTime(this.clock.nowMicros());
    const added = Array.from({ length: count }, () => {
      const id = this.nextId++;
      return { id, task: id, createdAt };
    });
    list.push(...added);
    return added.map((a) => a.id);
  }

  /** The counter fields of the project's API answer. */
  view(project: number): { total_annotations_number: number; num_tasks_with_annotations: number } {
    const n = this.of(project).length;
    return { total_annotations_number: n, num_tasks_with_annotations: n };
  }

  /**
   * A page of TaskListAPI with fields=all: DRF's PageNumberPagination (`page`, `page_size`, 1-based,
   * 404 "Invalid page." past the end) and the answer TaskPagination builds.
   */
  taskPage(project: number, query: URLSearchParams): Record<string, unknown> {
    const list = this.of(project);
    const size = positive(query.get('page_size')) ?? DEFAULT_PAGE_SIZE;
    const page = query.get('page') === null ? 1 : positive(query.get('page'));
    const pages = Math.max(1, Math.ceil(list.length / size));
    if (page === undefined || page > pages) throw new ApiError(404, 'Invalid page.');
    const all = query.get('fields') === 'all';
    const tasks = list.slice((page - 1) * size, page * size).map((a) => ({
      id: a.task,
      project,
      data: { text: `task ${a.task}` },
      total_annotations: 1,
      cancelled_annotations: 0,
      annotations: all ? [{ id: a.id, task: a.task, project, result: [], was_cancelled: false, created_at: a.createdAt, updated_at: a.createdAt }] : [],
    }));
    return { total_annotations: list.length, total_predictions: 0, total: list.length, tasks };
  }

  private of(project: number): Annotation[] {
    let list = this.annotations.get(project);
    if (!list) this.annotations.set(project, (list = []));
    return list;
  }
}

function positive(raw: string | null): number | undefined {
  return raw !== null && /^[1-9][0-9]*$/.test(raw) ? Number(raw) : undefined;
}
