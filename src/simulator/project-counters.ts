// Projects' annotation counters as ProjectAPI (GET /api/projects/{id}/) serializes them: ProjectSerializer's
// total_annotations_number and num_tasks_with_annotations. The simulator models no tasks or annotations,
// so tests move the counters the way annotating would.

interface Counts {
  annotations: number;
  tasksWithAnnotations: number;
}

export class ProjectCounterStore {
  private readonly counts = new Map<number, Counts>();

  /** `annotations` new annotations, each on a task that had none (negative: deleted). */
  annotate(project: number, annotations: number): void {
    const now = this.get(project);
    this.counts.set(project, {
      annotations: Math.max(0, now.annotations + annotations),
      tasksWithAnnotations: Math.max(0, now.tasksWithAnnotations + annotations),
    });
  }

  /** The counter fields of the project's API answer. */
  view(project: number): { total_annotations_number: number; num_tasks_with_annotations: number } {
    const { annotations, tasksWithAnnotations } = this.get(project);
    return { total_annotations_number: annotations, num_tasks_with_annotations: tasksWithAnnotations };
  }

  private get(project: number): Counts {
    return this.counts.get(project) ?? { annotations: 0, tasksWithAnnotations: 0 };
  }
}
