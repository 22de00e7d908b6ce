// The zod every schema of the package is built with. `npm run build` replaces the compiled file with zod
// bundled into it (scripts/bundle-zod.ts): one module to load instead of zod's hundred or so, as zod
// requires each of its locales. The sources (tsx, vitest) use the zod package itself.
export { z } from 'zod';
