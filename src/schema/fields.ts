import { z } from './zod';

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number) {
  return z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be a whole number from ${min} to ${max}` })
    .max(max, { error: `must be a whole number from ${min} to ${max}` });
}

/** A Label Studio id (project, storage): a positive safe integer. */
export const positiveId = z
  .number({ error: 'must be a positive integer' })
  .int({ error: 'must be a positive integer' })
  .positive({ error: 'must be a positive integer' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'must be a positive integer' });

/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/** A non-blank string of at most `max` characters. */
export function text(what: string, max = 200) {
  return z
    .string({ error: `must ${what}` })
    .trim()
    .min(1, { error: `must ${what}` })
    .max(max, { error: `must be at most ${max} characters` });
}
