import type { RE2 } from 're2-wasm';
import { invalidInput } from '../schema/invalid-input';

export interface TitleMatcher {
  test(title: string): boolean;
}

/**
 * Compiles a `titlePattern` with RE2, whose matching time is linear in the title: a JavaScript
 * RegExp such as ^(a+)+$ backtracks exponentially and would block the worker's event loop.
 * RE2 has no lookarounds or backreferences; such a pattern is refused as InvalidInput.
 */
export function compileTitlePattern(pattern: string, field = 'titlePattern'): TitleMatcher {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let matcher: RE2;
  try {
    matcher = new (re2())(pattern, 'u'); // re2-wasm requires the unicode flag
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/u: /s, '');
    throw invalidInput(field, `is not a valid RE2 regular expression (${reason}); lookarounds and backreferences are not supported`);
  }
  // re2-wasm never frees a compiled pattern, so keep a bounded set of them instead of compiling per call.
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
  compiled.set(pattern, matcher);
  return matcher;
}

const MAX_CACHED = 256;
const compiled = new Map<string, TitleMatcher>();

let loaded: typeof RE2 | undefined;

/**
 * re2-wasm compiles its WebAssembly as soon as it is required (about 8 MB of memory): loaded at the
 * first pattern, so a client that never gives one does not pay for it. Synchronous, as the checks are.
 */
function re2(): typeof RE2 {
  loaded ??= (require('re2-wasm') as typeof import('re2-wasm')).RE2;
  return loaded;
}
