import { register } from 'tsx/cjs/api';

// The SDK loads a data converter's failure converter with require() by path (failureConverterPath);
// from the sources that path is a .ts file, which vitest's transform does not reach: tsx's require
// hook compiles it, as it does when the CLI and worker run from the sources.
register();
