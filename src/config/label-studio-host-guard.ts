import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from './config-error';

export const ALLOWED_HOSTS_VARIABLE = 'LABEL_STUDIO_ALLOWED_HOSTS';

/** Cloud metadata services by name; their addresses are link-local, or listed in METADATA_ADDRESSES. */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);
/** Metadata addresses outside the link-local ranges: AWS's IPv6 endpoint, Alibaba Cloud, Oracle Cloud's. */
const METADATA_ADDRESSES = new Set(['fd00:ec2::254', '100.100.100.200', '192.0.0.192']);

/**
 * The opt-in guard on Label Studio URLs (LABEL_STUDIO_ALLOWED_HOSTS): unset, any host. Set, a
 * comma-separated list of host names or addresses, `*.example.com` for a domain's hosts, or `*` for any
 * host: a URL's host must match one, and a link-local or cloud metadata address (169.254.169.254,
 * fe80::/10, metadata.google.internal, …) only an entry naming it exactly. It reads the URL as
 * written; a name that resolves to such an address is the network's to block (see docs/configuration.md).
 */
export function checkLabelStudioHost(env: Record<string, string | undefined>, variable: string, url: string): void {
  const list = env[ALLOWED_HOSTS_VARIABLE]?.trim();
  if (!list) return;
  const entries = list.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean).map(normalHost);
  const host = normalHost(new URL(url).hostname.toLowerCase());
  const exact = entries.includes(host);
  if (!exact && isMetadataOrLinkLocal(host)) {
    throw new ConfigError(variable, 'names a link-local or cloud metadata address', `Point it at Label Studio; if that address really is Label Studio, list it exactly in ${ALLOWED_HOSTS_VARIABLE}`);
  }
  if (!exact && !entries.some((e) => e === '*' || (e.startsWith('*.') && host.endsWith(e.slice(1))))) {
    throw new ConfigError(variable, `names a host not in ${ALLOWED_HOSTS_VARIABLE}`, `Add the host to ${ALLOWED_HOSTS_VARIABLE} or point the URL at an allowed one`);
  }
}

/** Brackets off an IPv6 address, and an IPv4-mapped one (::ffff:a9fe:a9fe) as its IPv4 address. */
function normalHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (!mapped) return bare;
  const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function isMetadataOrLinkLocal(host: string): boolean {
  if (METADATA_NAMES.has(host.replace(/\.$/, '')) || METADATA_ADDRESSES.has(host)) return true;
  if (isIPv4(host)) return host.startsWith('169.254.');
  return isIPv6(host) && /^fe[89ab][0-9a-f]:/.test(host);
}
