import { Command, InvalidArgumentError } from 'commander';
import { wholeNumber } from './whole-number';

/** The Authorization value clients must send comes from the environment only: a flag would show in `ps`. */
export const CODEC_AUTH_VARIABLE = 'LST_CODEC_AUTH';

export interface CodecServerFlags {
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
    .action(async (flags: CodecServerFlags) => {
      const { serveCodec } = await import('../actions/codec-server.js'); // the codec brings the protobuf definitions, which --help has no use for
      await serveCodec(flags);
    });
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
