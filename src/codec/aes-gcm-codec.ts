import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';

const ENCODING = 'binary/encrypted';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts every payload (workflow inputs, results, failure details, memos, queries) with
 * AES-256-GCM before it leaves the process, so the Temporal server and its history keep only
 * ciphertext. Give the same key to the worker and to every client; a key id in the metadata lets
 * old histories decode after a key rotation (pass the old keys in `previous`).
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly keyId: string,
    key: Buffer,
    previous: Record<string, Buffer> = {},
  ) {
    this.keys = new Map([...Object.entries(previous), [keyId, key]]);
    for (const [id, k] of this.keys) {
      if (k.length !== 32) throw new ValueError(`payload key ${JSON.stringify(id)} has ${k.length} bytes: AES-256-GCM needs 32`);
    }
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId)!, iv);
      const plain = Buffer.from(JSON.stringify(toJson(payload)));
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: Buffer.from(ENCODING), 'encryption-key-id': Buffer.from(this.keyId) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.['encryption-key-id'] ?? []).toString();
      const key = this.keys.get(keyId);
      if (!key) throw new ValueError(`payload encrypted with key ${JSON.stringify(keyId)}, which this process does not have`);
      const data = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return fromJson(JSON.parse(plain.toString()) as JsonPayload);
    });
  }
}

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

function fromJson(json: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(json.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  return { metadata, data: Buffer.from(json.data, 'base64') };
}
