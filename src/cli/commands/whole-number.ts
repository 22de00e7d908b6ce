import { InvalidArgumentError } from 'commander';

/** A commander parser for whole-number arguments and options: a bad one is a usage error (exit 3). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min} is required` : `a whole number from ${min} to ${max} is required`);
    }
    return n;
  };
}
