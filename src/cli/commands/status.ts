import { Command } from 'commander';

export function statusCommand(): Command {
  return new Command('status')
    .description("Show a workflow of this package: its state while it runs, its report once it ended; the exit code is the report's")
    .argument('<workflow-id>')
    .option('--json', 'print it as JSON')
    .action(async (workflowId: string, o: { json?: boolean }) => {
      const { showStatus } = await import('../actions/status.js');
      process.exitCode = await showStatus(workflowId, o);
    });
}
