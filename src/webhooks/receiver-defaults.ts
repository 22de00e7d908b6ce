// The receiver's defaults, apart from its option schema: the CLI shows them in --help without loading zod or the client.
export const DEFAULT_SECRET_HEADER = 'x-webhook-secret';
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MIN_SECRET_LENGTH = 16;
export const DEFAULT_MAX_CONNECTIONS = 1_000;
export const DEFAULT_MAX_CONNECTIONS_PER_PEER = 256;
export const DEFAULT_IDLE_TIMEOUT_MS = 2_000;
