/**
 * Set in the memo of every workflow our client, schedules, receiver and parent workflows start: its
 * input went through the schema already, so the workflow only fills defaults. A workflow without it
 * has its input checked by the worker first (see resolve-input.ts).
 */
export const INPUT_CHECKED_MEMO = 'labelStudioInputChecked';

export const inputCheckedMemo = { [INPUT_CHECKED_MEMO]: true } as const;
