/**
 * Label Studio accepts two kinds of key. A personal access token is a JWT refresh token that
 * must be exchanged for a short-lived Bearer access token; anything else is a legacy `Token`.
 * The official SDK tells them apart the same way: does the key decode as a JWT?
 */
export interface Authenticator {
  readonly scheme: 'token' | 'personal_access_token';
  /** The Authorization header value to send now. */
  header(): Promise<string>;
  /** Called after a 401; true when a fresh credential is worth one more try. */
  renewAfterUnauthorized(): Promise<boolean>;
}

export type TokenExchange = (refreshToken: string) => Promise<string>;

export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function createAuthenticator(apiKey: string, exchange: TokenExchange, now: () => number = Date.now): Authenticator {
  return decodeJwtPayload(apiKey) ? new PersonalAccessTokenAuth(apiKey, exchange, now) : new LegacyTokenAuth(apiKey);
}

class LegacyTokenAuth implements Authenticator {
  readonly scheme = 'token';
  constructor(private readonly key: string) {}
  async header(): Promise<string> {
    return `Token ${this.key}`;
  }
  async renewAfterUnauthorized(): Promise<boolean> {
    return false;
  }
}

/** Renew this long before the access token's `exp`, so a request never leaves with a dying token. */
const RENEW_MARGIN_MS = 30_000;

class PersonalAccessTokenAuth implements Authenticator {
  readonly scheme = 'personal_access_token';
  private access?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly refreshToken: string,
    private readonly exchange: TokenExchange,
    private readonly now: () => number,
  ) {}

  async header(): Promise<string> {
    if (!this.access || this.now() >= this.access.expiresAt - RENEW_MARGIN_MS) await this.renew();
    return `Bearer ${this.access!.token}`;
  }

  async renewAfterUnauthorized(): Promise<boolean> {
    this.access = undefined;
    await this.renew();
    return true;
  }

  /** Concurrent callers share one exchange instead of each refreshing. */
  private async renew(): Promise<void> {
    this.pending ??= this.exchange(this.refreshToken).finally(() => (this.pending = undefined));
    const token = await this.pending;
    const exp = decodeJwtPayload(token)?.exp;
    // Without an exp claim assume Label Studio's default lifetime of about five minutes.
    const expiresAt = typeof exp === 'number' ? exp * 1000 : this.now() + 5 * 60_000;
    this.access = { token, expiresAt };
  }
}
