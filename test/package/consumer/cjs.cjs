// A CommonJS consumer of the packed package: what each door loads, what a deep import does, and the
// error of a target whose optional client library is not installed.
const loaded = () => Object.keys(require.cache).map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1]).filter(Boolean);

const client = require('label-studio-temporal');
const clientPackages = [...new Set(loaded())].sort();
const worker = require('label-studio-temporal/worker');
require('label-studio-temporal/webhooks');
require('label-studio-temporal/testing');
// src/local (virtualenvs, pip, local servers) is the CLI's and the tests' tooling, behind no door
const localTooling = Object.keys(require.cache).filter((path) => path.includes('/dist/local/'));

let deepImport;
try {
  require('label-studio-temporal/dist/worker.js');
  deepImport = 'allowed';
} catch (err) {
  deepImport = err.code;
}

const config = worker.loadTargetConfig('default', {});
worker.countTarget('s3', { id: 7, type: 's3', bucket: 'exports' }, config, () => undefined).then(
  () => report('counted'),
  (err) => report(`${err.name}: ${err.message}`),
);

function report(s3Count) {
  console.log(JSON.stringify({ clientExports: Object.keys(client).sort(), clientPackages, localTooling, deepImport, s3Count }));
}
