/** Upper bounds of the Label Studio timeouts: beyond them a hung connection would hold an activity for hours. */
export const MAX_CONNECT_TIMEOUT_MS = 10 * 60_000;
export const MAX_RESPONSE_TIMEOUT_MS = 60 * 60_000;
