/**
 * The one redaction rule for every message built from configuration: whatever a URL or address may
 * carry as a credential is replaced by `***`, the rest kept so the message still says where.
 * - userinfo: `https://user:pass@host` and `user:pass@host` (a scheme-less address) → `https://***@host`, `***@host`;
 * - query parameters whose name says credential (token, key, secret, password, auth, signature, …) → `?token=***`.
 */
export function redact(text: string): string {
  return text.replace(USERINFO_WITH_SCHEME, '$1***@').replace(USERINFO_BARE, '$1***@').replace(QUERY_CREDENTIAL, '$1***');
}

const USERINFO_WITH_SCHEME = /([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi;
const USERINFO_BARE = /(^|[\s"'(=,])(?![a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'(=,]+@(?=[\w[])/gi;
const QUERY_CREDENTIAL = /([?&;][^=&;#\s"']*(?:token|key|secret|passw|pwd|auth|sig|credential|session)[^=&;#\s"']*=)[^&;#\s"']*/gi;
