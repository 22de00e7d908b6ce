import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The first byte of the JSON rendering versions up to 0.1 encrypted; a Payload proto never starts with it (field 15, wire type 3). */
const LEGACY_JSON_START = 0x7b; // '{'

/**
 * Encrypts every payload (workflow inputs, results, failure details and messages, memos, queries)
 * with AES-256-GCM before it leaves the process, so the Temporal server and its history keep only
 * ciphertext. Give the same key to the worker and to every client; a key id in the metadata lets
 * old histories decode after a key rotation (pass the old keys in `previous`).
 *
 * The wire format is that of Temporal's encryption sample (samples-typescript `encryption`), so
 * its codec servers and ours read each other's payloads: metadata `encoding: binary/encrypted` and
 * `encryption-key-id`, data = IV (12 bytes) + ciphertext of the proto-encoded inner Payload + GCM
 * tag (16 bytes). Payloads written by earlier versions (a JSON rendering of the inner payload
 * instead of the proto) still decode: the plaintext's first byte tells which.
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
    return payloads.map((payload) => ({
      metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(this.keyId) },
      data: this.encrypt(temporal.api.common.v1.Payload.encode(payload).finish()),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCRYPTED_ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
      const key = this.keys.get(keyId);
      if (!key) throw new ValueError(`payload encrypted with key ${JSON.stringify(keyId)}, which this process does not have`);
      const plain = decrypt(Buffer.from(payload.data ?? []), key, keyId);
      return plain[0] === LEGACY_JSON_START ? fromLegacyJson(JSON.parse(plain.toString()) as LegacyJsonPayload) : temporal.api.common.v1.Payload.decode(plain);
    });
  }

  private encrypt(plain: Uint8Array): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId)!, iv);
    return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }
}

function decrypt(data: Buffer, key: Buffer, keyId: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // GCM's own words ("unable to authenticate data") do not say that the key is the likely cause.
    throw new ValueError(`payload encrypted with key ${JSON.stringify(keyId)} does not decrypt with this process's key of that id: another key under the same id, or altered data`);
  }
}

/** The inner payload as versions up to 0.1 encrypted it: metadata values and data in base64. */
interface LegacyJsonPayload {
  metadata: Record<string, string>;
  data: string;
}

function fromLegacyJson(json: LegacyJsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(json.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  return { metadata, data: Buffer.from(json.data, 'base64') };
}
