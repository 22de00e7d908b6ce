import { Runtime } from '@temporalio/worker';
import { loadObservabilityConfig } from '../../src/config/observability';
import { createLogger } from '../../src/worker/logging';
import { runtimeOptions } from '../../src/worker/runtime';

// Workers in tests log through the package's logger at ERROR: the faults tests provoke on
// purpose stay quiet. LST_TEST_LOG=debug (or info, warn...) shows more.
const { logLevel } = loadObservabilityConfig({ LOG_LEVEL: process.env.LST_TEST_LOG ?? 'error' });
Runtime.install(runtimeOptions({}, createLogger({ logLevel, logFormat: 'pretty' })));
