/**
 * The most a Label Studio answer may weigh. A storage or a project answers in kilobytes and a project's
 * list of storages in far less than the default; past the cap the answer is dropped unread, so a proxy's
 * endless page or a runaway list cannot fill the worker's memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The highest cap a connection may set: an answer is held whole in memory, as one string. */
export const MAX_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
