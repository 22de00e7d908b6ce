/** A webhook request refused with this HTTP status; `reason` goes back to the sender. */
export class WebhookRejection extends Error {
  override readonly name = 'WebhookRejection';
  constructor(
    readonly status: 400 | 401 | 405 | 413 | 503,
    readonly reason: string,
  ) {
    super(reason);
  }
}
