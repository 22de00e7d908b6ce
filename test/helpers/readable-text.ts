/** Every string in a protobuf object, payload bytes decoded as UTF-8 (JSON.stringify would hide them). */
export function readableText(value: unknown, out: string[] = []): string {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) readableText(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) readableText(v, out);
  return out.join('\n');
}
