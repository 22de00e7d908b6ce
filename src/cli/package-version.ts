import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's version, from its package.json (two levels up from src/cli and from dist/cli alike). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
