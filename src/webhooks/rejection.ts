/** A webhook request refused with this HTTP status; `reason` goes back to the sender. */
export class WebhookRejection extends Error {
  override readonly name = 'WebhookRejection';
  constructor(
    readonly status: 400 | 401 | 405 | 413 | 415 | 503,
    readonly reason: string,
    /** Sent as Retry-After: when trying again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(reason);
  }
}
