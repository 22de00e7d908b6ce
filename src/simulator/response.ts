// An answer before it is written to the socket, so faults can delay or drop it after the handling.
import { ApiError, lsErrorBody } from './errors';

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** Raw body; empty for none. */
  body: string;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function html(status: number, page: string): SimResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page };
}

export function empty(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: '' };
}

export function apiError(error: ApiError): SimResponse {
  return json(error.status, lsErrorBody(error.status, error.detail, error.validationErrors), error.headers);
}
