// Who may call the API, following Label Studio's stack:
// - jwt_auth.middleware.JWTAuthenticationMiddleware logs the user in from a valid `Bearer <access JWT>`;
//   when the JWT is bad or expired it only logs, so the request goes on unauthenticated.
// - DRF's TokenAuthentication (LS's TokenAuthenticationPhaseout) handles `Token <key>` and refuses legacy keys
//   when the organization disabled them.
// - Nothing authenticated -> 401 "Authentication credentials were not provided." (so an expired access token
//   gets that detail, not simplejwt's "Given token not valid for any token type", which LS swallows).
// - POST /api/token/refresh/ is simplejwt's TokenRefreshView (no authentication needed).
import { randomBytes, randomUUID } from 'node:crypto';
import { unauthorized, validationError } from './errors';
import { Hs256 } from './jwt';

export type AuthScheme = 'token' | 'bearer' | 'none';

export interface AuthOptions {
  legacyToken: string;
  legacyTokensEnabled: boolean;
  accessTokenTtlMs: number;
}

const USER_ID = 1;
// LS issues personal access tokens for a long time unless the organization sets a TTL
const PAT_TTL_MS = 200 * 365 * 24 * 3600 * 1000;
// TokenViewBase.get_authenticate_header: refresh failures are 401 with this challenge
const REFRESH_CHALLENGE = 'Bearer realm="api"';

export const randomLegacyToken = (): string => randomBytes(20).toString('hex');

/** The scheme a request presents (not whether it is valid), for the request log. */
export function authScheme(header: string | undefined): AuthScheme {
  const scheme = header?.trim().split(/\s+/)[0]?.toLowerCase();
  return scheme === 'token' ? 'token' : scheme === 'bearer' ? 'bearer' : 'none';
}

export class Authenticator {
  readonly personalAccessToken: string;
  private readonly jwt = new Hs256();

  constructor(private readonly options: AuthOptions) {
    this.personalAccessToken = this.issue('refresh', PAT_TTL_MS);
  }

  get legacyToken(): string {
    return this.options.legacyToken;
  }

  /** Throws the 401 Label Studio would answer; returns when the request is authenticated. */
  check(header: string | undefined): void {
    const parts = (header ?? '').split(/\s+/).filter(Boolean);
    if (parts.length === 2 && parts[0] === 'Bearer' && this.claims(parts[1] as string, 'access')) return;
    if (parts[0]?.toLowerCase() === 'token') {
      if (parts.length === 1) throw unauthorized('Invalid token header. No credentials provided.');
      if (parts.length > 2) throw unauthorized('Invalid token header. Token string should not contain spaces.');
      if (parts[1] !== this.options.legacyToken) throw unauthorized('Invalid token.');
      if (!this.options.legacyTokensEnabled) {
        throw unauthorized(
          'Authentication token no longer valid: legacy token authentication has been disabled for this organization',
        );
      }
      return;
    }
    throw unauthorized('Authentication credentials were not provided.');
  }

  /** POST /api/token/refresh/ body -> {access}. */
  refresh(body: unknown): { access: string } {
    const refresh = (body as { refresh?: unknown } | null)?.refresh;
    if (refresh === undefined || refresh === null || refresh === '') {
      throw validationError({ refresh: ['This field is required.'] });
    }
    const claims = this.jwt.verify(String(refresh));
    if (!claims) throw unauthorized('Token is invalid', REFRESH_CHALLENGE);
    if (expired(claims)) throw unauthorized('Token is expired', REFRESH_CHALLENGE);
    if (claims['token_type'] !== 'refresh') throw unauthorized('Token has wrong type', REFRESH_CHALLENGE);
    return { access: this.issue('access', this.options.accessTokenTtlMs) };
  }

  private claims(token: string, type: 'access' | 'refresh'): Record<string, unknown> | undefined {
    const claims = this.jwt.verify(token);
    return claims && !expired(claims) && claims['token_type'] === type ? claims : undefined;
  }

  private issue(type: 'access' | 'refresh', ttlMs: number): string {
    const now = Date.now();
    // simplejwt writes whole seconds; a sub-second lifetime (tests) keeps its fraction (RFC 7519 allows it)
    const exp = ttlMs % 1000 === 0 ? Math.floor((now + ttlMs) / 1000) : (now + ttlMs) / 1000;
    return this.jwt.sign({
      token_type: type,
      exp,
      iat: Math.floor(now / 1000),
      jti: randomUUID().replace(/-/g, ''),
      user_id: USER_ID,
    });
  }
}

function expired(claims: Record<string, unknown>): boolean {
  return typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= Date.now();
}
