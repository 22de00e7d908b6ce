// npm run bench:footprint [-- <base ref, default main>]: what importing the client door costs (modules
// loaded, RSS after the import, time) and what installing the package brings (packages, MB on disk), for
// this checkout next to the base ref. Builds both, packs both, installs each pack into a fresh project with
// @temporalio/client as a user would (npm, preferring its cache). Prints figures; asserts nothing.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');
const WORK = join(ROOT, '.lst', 'bench-footprint');
const RUNS = 3;
const exec = promisify(execFile);

interface ImportCost {
  modules: number;
  rssMb: number;
  ms: number;
}

interface InstallCost {
  packages: number;
  mb: number;
}

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The base ref's package, built in a folder of its own that borrows our node_modules. */
async function buildBase(ref: string): Promise<string> {
  const dir = join(WORK, 'base');
  mkdirSync(dir, { recursive: true });
  const archive = join(WORK, 'base.tar');
  await sh('git', ['archive', '--output', archive, ref, 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts'], ROOT); // its build runs scripts/*
  await sh('tar', ['-xf', archive, '-C', dir], ROOT);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const buildScript = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
  await sh('bash', ['-c', `PATH=${join(ROOT, 'node_modules', '.bin')}:$PATH ${buildScript}`], dir);
  return dir;
}

/** One fresh node process per run: modules in require.cache and RSS right after the import; the median run. */
async function importCost(specifier: string): Promise<ImportCost> {
  const probe = `const t = process.hrtime.bigint(); require(${JSON.stringify(specifier)});
const ms = Number(process.hrtime.bigint() - t) / 1e6;
console.log(JSON.stringify({ modules: Object.keys(require.cache).length, rssMb: process.memoryUsage().rss / 1e6, ms }));`;
  const runs: ImportCost[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(JSON.parse(await sh(process.execPath, ['-e', probe], ROOT)) as ImportCost);
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(RUNS / 2)]!;
}

/** Packs the package folder and installs the tarball with @temporalio/client into an empty project. */
async function installCost(name: string, packageDir: string): Promise<InstallCost> {
  const dir = join(WORK, `install-${name}`);
  mkdirSync(dir, { recursive: true });
  const [packed] = JSON.parse(await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], packageDir)) as Array<{ filename: string }>;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `footprint-${name}`, private: true })}\n`);
  const clientVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', '@temporalio', 'client', 'package.json'), 'utf8')) as { version: string }).version;
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${packed!.filename}`, `@temporalio/client@${clientVersion}`], dir);
  const lock = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const bytes = Number((await sh('du', ['-sb', 'node_modules'], dir)).split('\t')[0]);
  return { packages: Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/')).length, mb: bytes / 1e6 };
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map((c) => (typeof c === 'number' ? c.toFixed(c % 1 === 0 ? 0 : 1) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const base = process.argv[2] ?? 'main';
  const baseCommit = (await sh('git', ['rev-parse', '--short', base], ROOT)).trim();
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  console.error(`building this checkout and ${base} (${baseCommit})…`);
  await sh('npm', ['run', 'build'], ROOT);
  const baseDir = await buildBase(base);

  console.error('measuring imports…');
  const imports: Array<[string, string]> = [
    ['@temporalio/client alone', '@temporalio/client'],
    [`require('label-studio-temporal') at ${base} ${baseCommit}`, join(baseDir, 'dist', 'index.js')],
    ["require('label-studio-temporal') here", join(ROOT, 'dist', 'index.js')],
    ["require('label-studio-temporal/worker') here", join(ROOT, 'dist', 'worker', 'index.js')],
    ["require('label-studio-temporal/webhooks') here", join(ROOT, 'dist', 'webhooks', 'index.js')],
  ];
  const importRows: Array<Array<string | number>> = [];
  for (const [label, specifier] of imports) {
    const cost = await importCost(specifier);
    importRows.push([label, cost.modules, cost.rssMb, cost.ms]);
  }
  console.log(`Import cost (median of ${RUNS} fresh processes; target for the client door: ≤ 300 modules, ≤ 90 MB RSS)`);
  console.log(table(['import', 'modules', 'RSS MB', 'ms'], importRows));

  console.error('installing the packs…');
  const baseInstall = await installCost('base', baseDir);
  const hereInstall = await installCost('here', ROOT);
  console.log('\nInstall footprint: npm install <pack> @temporalio/client in an empty project (MB: apparent size of node_modules)');
  console.log(
    table(
      ['pack', 'packages', 'MB'],
      [
        [`label-studio-temporal at ${base} ${baseCommit}`, baseInstall.packages, baseInstall.mb],
        ['label-studio-temporal here', hereInstall.packages, hereInstall.mb],
      ],
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
