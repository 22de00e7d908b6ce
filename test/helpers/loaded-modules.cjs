// `node -r ./loaded-modules.cjs …`: at exit, writes the file of every module the process loaded (require's
// cache, which holds the CommonJS modules import() loads too) as JSON to the file named by LOADED_MODULES.
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.LOADED_MODULES, JSON.stringify(Object.keys(require.cache)));
});
