import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../../config/config-error';
import { invalidInput } from '../../schema/invalid-input';
import { wholeNumber } from './whole-number';

/** The Authorization value clients must send comes from the environment only: a flag would show in `ps`. */
export const CODEC_AUTH_VARIABLE = 'LST_CODEC_AUTH';

interface CodecServerFlags {
  port: number;
  host: string;
  corsOrigin?: string[];
}

export function codecServerCommand(): Command {
  return new Command('codec-server')
    .description(
      'Decode encrypted payloads for `temporal --codec-endpoint` and the Temporal Web UI, with the key in LST_PAYLOAD_KEY (and LST_PAYLOAD_KEY_ID). ' +
        `Requests must carry the Authorization header held in ${CODEC_AUTH_VARIABLE} when it is set. Needs only the client. Runs until SIGINT/SIGTERM.`,
    )
    .option('--port <port>', 'port to listen on', wholeNumber(0, 65_535), 8888)
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--cors-origin <origin>', 'origin of a Web UI allowed to call it from the browser, e.g. http://localhost:8233 (repeatable)', collectOrigin)
    .action(async (flags: CodecServerFlags) => serveCodec(flags));
}

async function serveCodec(flags: CodecServerFlags): Promise<void> {
  // Loaded by this command only: the codec brings the protobuf definitions, which --help has no use for.
  // require, not import(): the command also runs from the sources under tsx's CommonJS hook alone.
  const { payloadCodecFromEnv } = require('../../config/payload-encryption') as typeof import('../../config/payload-encryption');
  const { createCodecServer } = require('../../codec/codec-server') as typeof import('../../codec/codec-server');
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
  log(`codec server on ${url}${cors}; ${authorization ? 'requests must carry the Authorization header' : `no Authorization asked for (${CODEC_AUTH_VARIABLE} is not set)`}`);
  if (!authorization && !isLoopback(flags.host)) log(`warning: listening on ${flags.host} without ${CODEC_AUTH_VARIABLE}: whoever reaches this port can decrypt payloads`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log('stopping');
  await server.close();
}

/** An origin is scheme, host and port; a trailing slash is forgiven, a path is not. */
function collectOrigin(text: string, previous: string[] = []): string[] {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
    throw new InvalidArgumentError('an origin such as http://localhost:8233 (scheme, host and port, no path) is required');
  }
  return [...previous, url.origin];
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
