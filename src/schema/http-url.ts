import { z } from './zod';

const EXAMPLE = 'https://label-studio.example.com';

/** An http(s) base URL. The value is never echoed: a URL may carry credentials and stays out of messages. */
export const httpUrl = z.string({ error: `must be a URL such as ${EXAMPLE}` }).check((ctx) => {
  let url: URL;
  try {
    url = new URL(ctx.value);
  } catch {
    ctx.issues.push({ code: 'custom', message: `is not a URL: include the scheme, e.g. ${EXAMPLE}`, input: undefined });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.issues.push({ code: 'custom', message: `has scheme ${url.protocol}: include the http:// or https:// scheme, e.g. ${EXAMPLE}`, input: undefined });
  }
});
