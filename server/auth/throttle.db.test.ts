import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAttempts } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { checkLoginThrottle, clientIp, recordLoginAttempt } from './throttle';

let testDb: TestDatabase;
beforeAll(async () => (testDb = await createTestDatabase()));
afterAll(async () => testDb.drop());

describe('login throttling', () => {
  it('blocks an email+IP after 5 failures in the window, and not the same email from another IP', async () => {
    for (let i = 0; i < 4; i += 1)
      await recordLoginAttempt(testDb.db, {
        email: 'Victim@Example.com',
        ip: '10.0.0.1',
        succeeded: false,
        reason: 'bad_password',
      });
    expect((await checkLoginThrottle(testDb.db, 'victim@example.com', '10.0.0.1')).allowed).toBe(true);
    await recordLoginAttempt(testDb.db, {
      email: 'victim@example.com',
      ip: '10.0.0.1',
      succeeded: false,
      reason: 'bad_password',
    });
    const verdict = await checkLoginThrottle(testDb.db, 'VICTIM@example.com', '10.0.0.1');
    expect(verdict).toMatchObject({
      allowed: false,
      message: expect.stringContaining('Too many failed sign-in attempts'),
    });
    expect((await checkLoginThrottle(testDb.db, 'victim@example.com', '10.0.0.2')).allowed).toBe(true);
  });

  it('blocks an IP spraying many accounts', async () => {
    for (let i = 0; i < 30; i += 1)
      await recordLoginAttempt(testDb.db, {
        email: `user${i}@example.com`,
        ip: '10.9.9.9',
        succeeded: false,
        reason: 'unknown_user',
      });
    expect((await checkLoginThrottle(testDb.db, 'fresh@example.com', '10.9.9.9')).allowed).toBe(false);
  });

  it('does not count successes or throttled refusals', async () => {
    for (let i = 0; i < 10; i += 1)
      await recordLoginAttempt(testDb.db, {
        email: 'ok@example.com',
        ip: '10.1.1.1',
        succeeded: true,
        reason: 'ok',
      });
    for (let i = 0; i < 10; i += 1)
      await recordLoginAttempt(testDb.db, {
        email: 'ok@example.com',
        ip: '10.1.1.1',
        succeeded: false,
        reason: 'throttled',
      });
    expect((await checkLoginThrottle(testDb.db, 'ok@example.com', '10.1.1.1')).allowed).toBe(true);
  });

  it('stores the email normalised and never a password', async () => {
    const rows = await testDb.db
      .select()
      .from(loginAttempts)
      .where(eq(loginAttempts.email, 'victim@example.com'));
    expect(rows.length).toBe(5);
    expect(Object.keys(rows[0]!)).not.toContain('password');
  });

  it('takes the client address from the server-stamped header, and X-Forwarded-For only behind a trusted proxy', () => {
    expect(clientIp(new Headers({ 'x-plumbline-peer': '127.0.0.1', 'x-forwarded-for': '6.6.6.6' }))).toBe(
      '127.0.0.1',
    );
  });
});
