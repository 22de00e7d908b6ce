import { createCodecServer } from '../../codec/codec-server';
import { ConfigError } from '../../config/config-error';
import { payloadCodecFromEnv } from '../../config/payload-encryption';
import { invalidInput } from '../../schema/invalid-input';
import { CODEC_AUTH_VARIABLE, type CodecServerFlags } from '../commands/codec-server';

/** `codec-server`: the codec server on this process, until SIGINT/SIGTERM. */
export async function serveCodec(flags: CodecServerFlags): Promise<void> {
  const codec = payloadCodecFromEnv();
  if (!codec) throw new ConfigError('LST_PAYLOAD_KEY', 'not set', 'The codec server decodes with the key of the workers: set LST_PAYLOAD_KEY (and LST_PAYLOAD_KEY_ID) as on them');
  const authorization = process.env[CODEC_AUTH_VARIABLE]?.trim() || undefined;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const origins = flags.corsOrigin ?? [];
  const server = createCodecServer({ codec, authorization, corsOrigins: origins });
  const url = await server.listen(flags.port, flags.host).catch((err: NodeJS.ErrnoException) => {
    throw invalidInput('--host/--port', `${flags.host}:${flags.port} cannot be listened on (${err.code ?? err.message}): give a free port on an address of this host`);
  });
  const cors = origins.length ? `; Web UI origins: ${origins.join(', ')}` : '; no Web UI origin (--cors-origin)';
  // Listening for the signals before saying so: a supervisor that stops it on that line must not kill it.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log(`codec server on ${url}${cors}; ${authorization ? 'requests must carry the Authorization header' : `no Authorization asked for (${CODEC_AUTH_VARIABLE} is not set)`}`);
  if (!authorization && !isLoopback(flags.host)) log(`warning: listening on ${flags.host} without ${CODEC_AUTH_VARIABLE}: whoever reaches this port can decrypt payloads`);
  await stopped;
  log('stopping');
  await server.close();
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
