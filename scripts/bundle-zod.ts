// `npm run build`, after tsc: replaces dist/schema/zod.js, a re-export of zod, with zod bundled into that
// one file (the zod of node_modules, so the same code). Loading the package then reads one module for zod
// instead of about a hundred: every zod entry point, zod/mini too, requires all of its locales.
// Usage: tsx scripts/bundle-zod.ts [dist folder, default ./dist]
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const dist = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');
  const outfile = join(dist, 'schema', 'zod.js');
  const { version, license } = JSON.parse(readFileSync(require.resolve('zod/package.json'), 'utf8')) as { version: string; license: string };
  await build({
    stdin: { contents: "export { z } from 'zod';", resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    banner: { js: `/*! zod ${version}, bundled by label-studio-temporal's build | ${license} License | https://github.com/colinhacks/zod */` },
    logLevel: 'warning',
  });
  rmSync(`${outfile}.map`, { force: true }); // tsc's map was of the re-export; the bundle ships without one
  console.log(`zod bundle: ${outfile} (${(readFileSync(outfile).length / 1024).toFixed(0)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
