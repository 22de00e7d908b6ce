import { ENCRYPTED_ENCODING } from '../codec/aes-gcm-codec';
import { ConfigError } from '../config/config-error';

/**
 * A client without the key fails on the first encrypted payload (a memo, the result, a failure
 * message) with the SDK's bare "Unknown encoding: binary/encrypted": the error saying what that
 * means and what to set, or undefined for any other error.
 */
export function encryptedPayloadsError(err: unknown): ConfigError | undefined {
  if (!(err instanceof Error) || !err.message.includes(`Unknown encoding: ${ENCRYPTED_ENCODING}`)) return undefined;
  return new ConfigError(
    'LST_PAYLOAD_KEY',
    `not set, but this workflow's payloads are encrypted (${ENCRYPTED_ENCODING})`,
    'Set LST_PAYLOAD_KEY (and LST_PAYLOAD_KEY_ID, if the workers set it) to the key of the workers that ran it',
  );
}
