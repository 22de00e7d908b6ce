import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares in constant time. Hashing first gives both sides one length, so neither the content
 * nor the length of the secret leaks through timing.
 */
export function secretMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
