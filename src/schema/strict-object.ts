import { z } from './zod';
import { closestName } from './did-you-mean';

/**
 * An object schema that refuses keys it does not know, naming the closest known one: a typo such
 * as `maxAtempts` must not start a workflow with the default silently.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownKeys(issue.keys, known);
      if (issue.code === 'invalid_type') return 'must be an object';
      return undefined;
    },
  });
}

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const hint = closestName(keys[0]!, known);
  const others = keys.length > 1 ? ` (and ${keys.slice(1).join(', ')})` : '';
  return `is not a known field${others}: ${hint ? `did you mean ${hint}?` : `use ${known.join(', ')}`}`;
}
