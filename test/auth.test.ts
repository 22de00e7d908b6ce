import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../src/labelstudio/auth';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (payload: object) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.signature`;

describe('createAuthenticator', () => {
  it('sends a key that is not a JWT as a legacy Token and never renews it', async () => {
    const auth = createAuthenticator('0123456789abcdef', async () => {
      throw new Error('must not exchange');
    });
    expect(auth.scheme).toBe('token');
    expect(await auth.header()).toBe('Token 0123456789abcdef');
    expect(await auth.renewAfterUnauthorized()).toBe(false);
  });

  it('exchanges a personal access token, reuses the access token, renews 30 s before exp and after a 401', async () => {
    let now = 1_000_000_000_000;
    const issued: string[] = [];
    const auth = createAuthenticator(jwt({ token_type: 'refresh', exp: 9_999_999_999 }), async () => {
      const access = jwt({ token_type: 'access', exp: Math.floor(now / 1000) + 300, n: issued.length });
      issued.push(access);
      return access;
    }, () => now);
    expect(auth.scheme).toBe('personal_access_token');
    expect(await auth.header()).toBe(`Bearer ${issued[0]}`);
    now += 200_000;
    expect(await auth.header()).toBe(`Bearer ${issued[0]}`);
    now += 75_000; // 25 s before exp: inside the margin
    expect(await auth.header()).toBe(`Bearer ${issued[1]}`);
    expect(await auth.renewAfterUnauthorized()).toBe(true);
    expect(await auth.header()).toBe(`Bearer ${issued[2]}`);
    expect(issued).toHaveLength(3);
  });

  it('shares one exchange between concurrent requests', async () => {
    let exchanges = 0;
    const auth = createAuthenticator(jwt({ token_type: 'refresh' }), async () => {
      exchanges += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return jwt({ exp: Math.floor(Date.now() / 1000) + 300 });
    });
    await Promise.all([auth.header(), auth.header(), auth.header()]);
    expect(exchanges).toBe(1);
  });
});
