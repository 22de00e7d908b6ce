// The workflow code of a worker that runs its own workflows beside this package's (the plugin's
// workflowsPath): a worker has one bundle. The plugin aliases the module name below to the
// worker's own workflowsPath in the bundler. CommonJS on purpose: an ES module cannot export names
// it only learns when loaded, and would silently drop a name both sides export.
{
  const ours = require('./index') as Record<string, unknown>;
  const theirs = require('__label_studio_temporal_user_workflows__') as Record<string, unknown>;
  const clash = Object.keys(theirs).filter((name) => name in ours);
  if (clash.length > 0) {
    throw new Error(`the worker's workflowsPath exports ${clash.join(', ')}, which label-studio-temporal's workflows export too: rename yours`);
  }
  module.exports = { ...theirs, ...ours };
}
