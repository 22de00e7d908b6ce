/** `<connection>/<project>`: the value of the LabelStudioProject search attribute. */
export function projectKey(connection: string, project: number): string {
  return `${connection}/${project}`;
}

/** One annotation pipeline per project: every webhook of the project signals the same workflow. */
export function pipelineWorkflowId(connection: string, project: number): string {
  return `label-studio-pipeline/${connection}/${project}`;
}
