/**
 * ApplicationFailure `type`s this package raises. Pure constants, shared by activities,
 * workflows and callers that branch on them.
 */
export const FailureType = {
  InvalidInput: 'InvalidInput',
  UnknownConnection: 'UnknownConnection',
  /** Prefix: a Label Studio error becomes `LabelStudio.<kind>`, e.g. LabelStudio.not_found. */
  LabelStudio: 'LabelStudio',
  SyncStillRunning: 'SyncStillRunning',
  /** A sync POST's quick tries all failed without a clean answer: the workflow reads whether one landed. */
  SyncTriggerGaveUp: 'SyncTriggerGaveUp',
  SyncStalled: 'SyncStalled',
  SyncFailed: 'SyncFailed',
  SyncCompletedWithErrors: 'SyncCompletedWithErrors',
  SyncTimedOut: 'SyncTimedOut',
  /** Label Studio did not answer at all for policy.unreachableTimeout. */
  LabelStudioUnreachable: 'LabelStudioUnreachable',
  TargetShortfall: 'TargetShortfall',
  /** A project fan-out in which some storage failed, under failOn: any. */
  ProjectSyncFailed: 'ProjectSyncFailed',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];
