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
    // Named only when written as one (`ftp://`): in `user:password@host` the "scheme" is the user name.
    const scheme = ctx.value.trim().toLowerCase().startsWith(`${url.protocol}//`) ? `scheme ${url.protocol}` : 'no http:// or https:// scheme';
    ctx.issues.push({ code: 'custom', message: `has ${scheme}: include the http:// or https:// scheme, e.g. ${EXAMPLE}`, input: undefined });
  } else if (url.username || url.password) {
    // Dropped silently before: the credentials never reached Label Studio, and the key goes elsewhere anyway.
    ctx.issues.push({ code: 'custom', message: 'holds credentials (user:password@): remove them; the access token goes in the API_KEY variable', input: undefined });
  }
});
