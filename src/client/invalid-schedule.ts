/** A schedule refused before anything was created or changed: names the field and the reason. */
export class InvalidScheduleError extends Error {
  override readonly name = 'InvalidScheduleError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid schedule: ${field} ${reason}`);
  }
}
