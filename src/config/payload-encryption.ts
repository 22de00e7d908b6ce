import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { z } from '../schema/zod';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec';
import { ConfigError } from './config-error';

const key = z
  .string()
  .trim()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'is not 32 bytes in base64');

const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** `id:key,id:key`: keys retired by a rotation, still needed to read what they encrypted. */
const previousKeys = z
  .string()
  .transform((v) => v.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)] as const))
  .refine((entries) => entries.every(([id, k]) => id.length > 0 && Buffer.from(k, 'base64').length === 32), 'is not a comma-separated list of id:key, each key 32 bytes in base64');

const schema = z.object({
  LST_PAYLOAD_KEY: z.preprocess(blankAsUnset, key.optional()),
  LST_PAYLOAD_KEY_ID: z.string().trim().min(1).default('default'),
  LST_PAYLOAD_PREVIOUS_KEYS: z.preprocess(blankAsUnset, previousKeys.optional()),
});

/**
 * Payload encryption from the environment: with LST_PAYLOAD_KEY set, a data converter that
 * encrypts every payload with AES-256-GCM (see AesGcmPayloadCodec), failure messages and stack
 * traces included; without it, none. The worker and every client reading its results need the
 * same key, and after a rotation the retired ones in LST_PAYLOAD_PREVIOUS_KEYS.
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = payloadCodecFromEnv(env);
  return codec ? { payloadCodecs: [codec], failureConverterPath: encodedFailureConverterPath() } : undefined;
}

/** The codec alone (the codec server's), or undefined without LST_PAYLOAD_KEY; a ConfigError names a bad variable. */
export function payloadCodecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmPayloadCodec | undefined {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const variable = String(parsed.error.issues[0]!.path[0]);
    throw new ConfigError(variable, parsed.error.issues[0]!.message, 'Generate a key with `openssl rand -base64 32`');
  }
  const { LST_PAYLOAD_KEY: secret, LST_PAYLOAD_KEY_ID: keyId, LST_PAYLOAD_PREVIOUS_KEYS: previous = [] } = parsed.data;
  if (!secret) return undefined;
  return new AesGcmPayloadCodec(keyId, Buffer.from(secret, 'base64'), Object.fromEntries(previous.map(([id, k]) => [id, Buffer.from(k, 'base64')])));
}

/** The module of the failure converter that encodes messages and stack traces: compiled (dist) or as source (tsx, vitest). */
export function encodedFailureConverterPath(): string {
  const js = join(__dirname, '..', 'codec', 'encoded-failure-converter.js');
  return existsSync(js) ? js : join(__dirname, '..', 'codec', 'encoded-failure-converter.ts');
}
