import { join } from 'node:path';

/**
 * Scratch space shared by the suite and the audit run that follows it. LST_TEST_STATE_DIR
 * separates test runs that share a checkout (each needs its own server database).
 */
export const TEST_STATE_DIR = process.env.LST_TEST_STATE_DIR || join(__dirname, '..', '..', '.lst', 'test');
/** The test server's SQLite file: it outlives the server so the audit can read every history. */
export const TEST_TEMPORAL_DB = join(TEST_STATE_DIR, 'temporal.db');
/** Every secret a test hands to a worker, one per line, for the audit to look for. */
export const TEST_SECRETS_FILE = join(TEST_STATE_DIR, 'secrets.txt');
