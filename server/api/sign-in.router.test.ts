import { createRequire } from 'node:module';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loginAttempts, userSessions } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { POST } from '@/app/api/auth/[...nextauth]/route';
import { authOptions } from '@/server/auth/config';
import { safeCallbackPath } from '@/server/auth/redirect';
import { resolveActor, revokeSession } from '@/server/auth/session';
import { readSignInForm, signInRequestFrom } from '@/server/auth/sign-in-request';
import { checkLoginThrottle, clientIp, recordLoginAttempt } from '@/server/auth/throttle';
import { resetEnvCache, setProcessEnv } from '@/server/env';
import { seedTestOrganisation, sessionClaimsFor, type SeededOrg } from '@/server/testing/fixtures';

/**
 * Issue 20: sign-in and session findings. Each case failed on main: sign-out left the token valid,
 * the throttle read another value than the sign-in, X-Forwarded-For's client-chosen first hop was
 * believed, no per-account limit, callbackUrl `/\evil.example` was followed, a JSON body was a 500.
 */
let testDb: TestDatabase;
let org: SeededOrg;
const globalForDb = globalThis as unknown as { plumblineDb?: unknown };
beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  globalForDb.plumblineDb = testDb.db;
});
afterAll(async () => {
  globalForDb.plumblineDb = undefined;
  await testDb.drop();
});

// next-auth's own body parser (not exported): the test proves it reads what our throttle read
const { getBody } = createRequire(import.meta.url)(path.resolve('node_modules/next-auth/next/utils.js')) as {
  getBody: (req: Request) => Promise<Record<string, string> | undefined>;
};

const context = { params: Promise.resolve({ nextauth: ['callback', 'credentials'] }) };
function signInPost(body: string, headers: Record<string, string> = {}) {
  return new NextRequest('http://localhost:3000/api/auth/callback/credentials', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-plumbline-peer': '10.20.0.1',
      ...headers,
    },
    body,
  });
}
async function fail(email: string, ip: string, times: number) {
  for (let i = 0; i < times; i += 1)
    await recordLoginAttempt(testDb.db, { email, ip, succeeded: false, reason: 'bad_password' });
}

describe('sign-out ends the session server-side', () => {
  it('refuses the token of a signed-out session on the next request, and leaves other sessions alive', async () => {
    const laptop = await sessionClaimsFor(testDb.db, org.actors.pm.id);
    const phone = await sessionClaimsFor(testDb.db, org.actors.pm.id);
    expect((await resolveActor(testDb.db, laptop)).actor?.id).toBe(org.actors.pm.id);
    await authOptions().events!.signOut!({ token: laptop, session: undefined as never });
    expect(await resolveActor(testDb.db, laptop)).toEqual({ actor: null, reason: 'revoked' });
    expect((await resolveActor(testDb.db, phone)).actor?.id).toBe(org.actors.pm.id);
    const [row] = await testDb.db.select().from(userSessions).where(eq(userSessions.id, laptop.sid));
    expect(row?.revokedAt).toBeInstanceOf(Date);
    await revokeSession(testDb.db, phone);
  });

  it('refuses a token without a session row (or one naming another user’s session)', async () => {
    const mine = await sessionClaimsFor(testDb.db, org.actors.qs.id);
    const { sid: _sid, ...withoutSid } = mine;
    expect((await resolveActor(testDb.db, withoutSid)).actor).toBeNull();
    const theirs = await sessionClaimsFor(testDb.db, org.actors.finance.id);
    expect((await resolveActor(testDb.db, { ...mine, sid: theirs.sid })).actor).toBeNull();
  });
});

describe('login throttle sees exactly the identity that signs in', () => {
  it('refuses repeated form fields with 400 naming the field (the throttle read one, next-auth the other)', async () => {
    await fail('victim@northbeam.example', '10.20.0.1', 5);
    const response = await POST(
      signInPost('email=decoy%40example.com&email=victim%40northbeam.example&password=guess'),
      context,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ fieldErrors: { email: ['Sent more than once.'] } });
    // the plain form is throttled as before
    expect((await POST(signInPost('email=victim%40northbeam.example&password=guess'), context)).status).toBe(
      429,
    );
  });

  it.each([
    ['application/json', '{"email":"victim@northbeam.example","password":"x"}'],
    ['text/plain; application/json', '{"email":"victim@northbeam.example","password":"x"}'],
    ['application/x-www-form-urlencoded+json', 'email=victim%40northbeam.example'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('answers a %s body with 400, never a 500 or a sign-in', async (contentType, body) => {
    const response = await POST(signInPost(body, { 'content-type': contentType }), context);
    expect(response.status).toBe(400);
    expect((await response.json()).fieldErrors.body).toBeDefined();
  });

  it('hands next-auth a body whose email is the one that was throttled', async () => {
    const parsed = await readSignInForm(
      signInPost('email=Alice%40Example.com&password=pw&csrfToken=t&json=true'),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const rebuilt = signInRequestFrom(signInPost(''), parsed.form);
    const seenByNextAuth = await getBody(rebuilt);
    expect(seenByNextAuth?.email).toBe(parsed.form.email);
    expect(seenByNextAuth).toEqual({
      email: 'Alice@Example.com',
      password: 'pw',
      csrfToken: 't',
      json: 'true',
    });
  });

  it('limits one account from every address together', async () => {
    for (let i = 0; i < 20; i += 1) await fail('spread@northbeam.example', `10.30.0.${i}`, 1);
    expect((await checkLoginThrottle(testDb.db, 'spread@northbeam.example', '10.30.1.99')).allowed).toBe(
      false,
    );
    expect((await checkLoginThrottle(testDb.db, 'other@northbeam.example', '10.30.1.99')).allowed).toBe(true);
    const rows = await testDb.db
      .select()
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, 'spread@northbeam.example')));
    expect(rows.length).toBe(20);
  });
});

describe('client address behind TRUST_PROXY', () => {
  afterEach(() => {
    setProcessEnv({ TRUST_PROXY: 'false' });
    resetEnvCache();
  });
  it('takes the right-most X-Forwarded-For hop (the one our proxy appended), never the client-chosen first', () => {
    setProcessEnv({ TRUST_PROXY: 'true' });
    expect(
      clientIp(new Headers({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7', 'x-plumbline-peer': '10.0.0.2' })),
    ).toBe('203.0.113.7');
    expect(clientIp(new Headers({ 'x-forwarded-for': '203.0.113.7', 'x-plumbline-peer': '10.0.0.2' }))).toBe(
      '203.0.113.7',
    );
    expect(clientIp(new Headers({ 'x-plumbline-peer': '10.0.0.2' }))).toBe('10.0.0.2');
  });
  it('ignores X-Forwarded-For entirely without TRUST_PROXY', () => {
    expect(clientIp(new Headers({ 'x-forwarded-for': '6.6.6.6', 'x-plumbline-peer': '10.0.0.2' }))).toBe(
      '10.0.0.2',
    );
  });
});

describe('after sign-in only same-origin paths are followed', () => {
  const origin = 'http://localhost:3000';
  it.each([
    '/\\evil.example',
    '\\\\evil.example',
    '//evil.example',
    '/%5cevil.example',
    '/%2F%2Fevil.example',
    '%2F%2Fevil.example',
    '/\t/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'http://localhost:3000@evil.example/',
    '',
  ])('refuses %j', (value) => {
    expect(safeCallbackPath(value, origin)).toBe('/');
  });
  it('keeps own paths', () => {
    expect(safeCallbackPath('/projects/abc?tab=cost#x', origin)).toBe('/projects/abc?tab=cost#x');
    expect(safeCallbackPath('http://localhost:3000/claims', origin)).toBe('/claims');
  });
  it('is what next-auth redirects to, on the public origin', () => {
    const redirect = authOptions().callbacks!.redirect!;
    expect(redirect({ url: '/\\evil.example', baseUrl: 'http://evil.example' })).toBe(
      'http://localhost:3000/',
    );
  });
});

describe('the public origin is fixed at start', () => {
  // eslint-disable-next-line no-restricted-properties -- saving the variables under test
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['APP_URL', 'AUTH_SECRET', 'ENCRYPTION_KEY', 'NODE_ENV']) {
      // eslint-disable-next-line no-restricted-properties -- restoring the variables under test
      if (saved[key] === undefined) delete process.env[key];
      else setProcessEnv({ [key]: saved[key] });
    }
    resetEnvCache();
  });
  it('makes session cookies Secure (and prefixed) when APP_URL is https, and not over plain http', () => {
    setProcessEnv({ APP_URL: 'https://plumbline.example.com' });
    expect(authOptions().useSecureCookies).toBe(true);
    setProcessEnv({ APP_URL: 'http://localhost:3000' });
    expect(authOptions().useSecureCookies).toBe(false);
  });
  it('is required in production and must be an origin', async () => {
    const { env } = await import('@/server/env');
    setProcessEnv({ APP_URL: 'https://plumbline.example.com/some/path' });
    expect(() => env()).toThrow(/APP_URL must be an http\(s\) origin/);
    // eslint-disable-next-line no-restricted-properties -- the variable under test
    delete process.env.APP_URL;
    setProcessEnv({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: 'k' });
    expect(() => env()).toThrow(/APP_URL .* is required in production/);
  });
});
