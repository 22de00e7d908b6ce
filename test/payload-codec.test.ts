import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../src/codec/aes-gcm-codec';
import { dataConverterFromEnv, payloadCodecFromEnv } from '../src/config/payload-encryption';
import type { LabelStudioSimulator } from '../src/simulator';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { readableText } from './helpers/readable-text';
import { runCli } from './helpers/run-cli';
import { cliEnvFor, startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { runSync } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// A sync through a worker and client that encrypt payloads: the report reaches the caller,
// the server's history holds only ciphertext.
describe('payload encryption (AesGcmPayloadCodec)', () => {
  const key = randomBytes(32);
  let sim: LabelStudioSimulator;
  let t: TestTemporal;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim, { dataConverter: dataConverterFromEnv({ LST_PAYLOAD_KEY: key.toString('base64'), LST_PAYLOAD_KEY_ID: 'test' }) });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('runs a sync whose report is readable by the client and absent from the history', async () => {
    const title = `codec-title-${randomUUID()}`;
    const id = sim.addStorage({ type: 's3', project: 3, title, script: [{ status: 'completed', count: 5 }] });
    const report = await runSync(t.client, t.taskQueue, 's3', id);
    expect(report).toMatchObject({ outcome: 'completed', storage: { title } });

    const handle = t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 's3', id));
    const history = readableText(await handle.fetchHistory());
    expect(history).toContain('binary/encrypted');
    expect(history).not.toContain(title);
    expect(history).not.toContain('"outcome"');

    // A client without the key gets ciphertext it cannot read, not the report.
    const keyless = new Client({ connection: t.client.connection, namespace: t.client.options.namespace });
    await expect(keyless.workflow.getHandle(handle.workflowId).result()).rejects.toThrow(/binary\/encrypted|encoding/i);
  });

  describe('the CLI with LST_PAYLOAD_KEY', () => {
    const fast = ['--poll-initial', '1s', '--poll-max', '1s'];
    const cli = (args: string[]) => runCli(args, { ...cliEnvFor(sim, t.taskQueue), LST_PAYLOAD_KEY: key.toString('base64'), LST_PAYLOAD_KEY_ID: 'test' });

    it('reads the reports of an encrypting worker (sync --worker never, status) and sends it the input encrypted', async () => {
      const title = `cli-codec-title-${randomUUID()}`;
      const id = sim.addStorage({ type: 's3', project: 3, title });
      const run = await cli(['sync', 's3', String(id), '-c', TEST_CONNECTION, '--json', '--worker', 'never', ...fast]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'completed', storage: { id, title } });

      const workflowId = syncWorkflowId(TEST_CONNECTION, 's3', id);
      const status = await cli(['status', workflowId, '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).report).toMatchObject({ outcome: 'completed', storage: { title } });

      const history = readableText(await t.client.workflow.getHandle(workflowId).fetchHistory());
      expect(history).not.toContain(title);
      expect(history).not.toContain('"storageId"'); // the CLI's client encrypted the workflow input
    });

    it('encrypts on its own worker too: its sync completes and the history holds no plaintext report', async () => {
      const title = `cli-worker-codec-title-${randomUUID()}`;
      const id = sim.addStorage({ type: 's3', project: 3, title });
      const run = await cli(['sync', 's3', String(id), '-c', TEST_CONNECTION, '--json', '--worker', 'always', ...fast]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'completed', storage: { id, title } });

      const handle = t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 's3', id));
      expect((await handle.describe()).taskQueue).toMatch(/-cli-/); // run by the CLI's worker, not the test's
      const history = readableText(await handle.fetchHistory());
      expect(history).toContain('binary/encrypted');
      expect(history).not.toContain(title);
      expect(history).not.toContain('"outcome"');
    });
  });

  it('decodes payloads written under a previous key after rotation', async () => {
    const old = new AesGcmPayloadCodec('k1', key);
    const rotated = new AesGcmPayloadCodec('k2', randomBytes(32), { k1: key });
    const payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"a":1}') };
    const [decoded] = await rotated.decode(await old.encode([payload]));
    expect(Buffer.from(decoded!.data!).toString()).toBe('{"a":1}');
    await expect(new AesGcmPayloadCodec('k3', randomBytes(32)).decode(await old.encode([payload]))).rejects.toThrow(/key "k1"/);
    await expect(new AesGcmPayloadCodec('k1', randomBytes(32)).decode(await old.encode([payload]))).rejects.toThrow(/key "k1" does not decrypt with this process's key of that id/);
    // The same from the environment: the retired key in LST_PAYLOAD_PREVIOUS_KEYS.
    const fromEnv = payloadCodecFromEnv({ LST_PAYLOAD_KEY: randomBytes(32).toString('base64'), LST_PAYLOAD_KEY_ID: 'k2', LST_PAYLOAD_PREVIOUS_KEYS: `k0:${randomBytes(32).toString('base64')}, k1:${key.toString('base64')}` })!;
    const [fromEnvDecoded] = await fromEnv.decode(await old.encode([payload]));
    expect(Buffer.from(fromEnvDecoded!.data!).toString()).toBe('{"a":1}');
  });

  it('rejects a key that is not 32 bytes of base64, naming the variable', () => {
    expect(() => dataConverterFromEnv({ LST_PAYLOAD_KEY: 'c2hvcnQ=' })).toThrow(/LST_PAYLOAD_KEY.*openssl rand -base64 32/);
    const previous = `k1:${randomBytes(16).toString('base64')}`;
    expect(() => dataConverterFromEnv({ LST_PAYLOAD_KEY: key.toString('base64'), LST_PAYLOAD_PREVIOUS_KEYS: previous })).toThrow(/^LST_PAYLOAD_PREVIOUS_KEYS: is not a comma-separated list of id:key/);
    expect(dataConverterFromEnv({})).toBeUndefined();
  });
});
