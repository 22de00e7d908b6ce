// Error answers as Label Studio gives them. API views go through core.utils.common.custom_exception_handler,
// which replaces DRF's body by {id, status_code, version, detail, exc_info} (and moves field errors to
// validation_errors); URLs that match no route never reach DRF and get Django's plain HTML 404 page.
import { randomUUID } from 'node:crypto';

const LS_VERSION = '1.23.2';

export interface LsErrorBody {
  id: string;
  status_code: number;
  version: string;
  detail: string;
  exc_info: null;
  validation_errors?: Record<string, string[]>;
}

export function lsErrorBody(status: number, detail: string, validationErrors?: Record<string, string[]>): LsErrorBody {
  const body: LsErrorBody = { id: randomUUID(), status_code: status, version: LS_VERSION, detail, exc_info: null };
  if (validationErrors) body.validation_errors = validationErrors;
  return body;
}

/** Thrown by route handlers; the server answers it in LS's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly validationErrors?: Record<string, string[]>,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const notFound = (model: string): ApiError => new ApiError(404, `No ${model} matches the given query.`);

export const forbidden = (): ApiError => new ApiError(403, 'You do not have permission to perform this action.');

export const validationError = (errors: Record<string, string[]>): ApiError =>
  new ApiError(400, 'Validation error', errors);

export const methodNotAllowed = (method: string): ApiError => new ApiError(405, `Method "${method}" not allowed.`);

/** DRF sends 401 (not 403) because LS's first authentication class, TokenAuthentication, names a scheme. */
export const unauthorized = (detail: string, scheme = 'Token'): ApiError =>
  new ApiError(401, detail, undefined, { 'WWW-Authenticate': scheme });

/** Django's default 404 page (DEBUG off), for paths no URL pattern matches, e.g. with a trailing slash. */
export const DJANGO_NOT_FOUND_HTML = `<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
`;
