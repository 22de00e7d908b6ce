import { ActivityFailure, ApplicationFailure, patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CheckedWorkflow } from '../activities/check-workflow-input';
import { INPUT_CHECKED_MEMO } from './input-checked-memo';

/** Workflows started before this id took every input through zod inside the sandbox and record no check. */
export const CHECK_UNCHECKED_INPUT_PATCH = 'lst-8-check-unchecked-input';

const { checkWorkflowInput } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 3 } });

/**
 * The workflow's input with its defaults. One our client checked (its memo says so) is only filled
 * in, with no event in history; any other is checked by the worker's schema first, so a typo fails
 * the workflow at once as InvalidInput naming the field.
 */
export async function resolveInput<W extends CheckedWorkflow, I, R>(workflow: W, input: I, fillDefaults: (input: I) => R): Promise<R> {
  if (workflowInfo().memo?.[INPUT_CHECKED_MEMO] === true || !patched(CHECK_UNCHECKED_INPUT_PATCH)) return fillDefaults(input);
  try {
    return (await checkWorkflowInput(workflow, input as never)) as R;
  } catch (err) {
    throw err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : err;
  }
}
