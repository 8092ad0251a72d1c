import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { authOptions } from '@/server/auth/config';
import { resolveActor } from '@/server/auth/session';
import { env, resetEnvCache, setProcessEnv } from '@/server/env';

/** The absolute session lifetime is configurable (SESSION_MAX_AGE_HOURS) and 12 hours by default. */
describe('absolute session lifetime', () => {
  // eslint-disable-next-line no-restricted-properties -- saving and restoring the variable under test
  const saved = process.env.SESSION_MAX_AGE_HOURS;
  afterEach(() => {
    // eslint-disable-next-line no-restricted-properties -- restoring the variable under test
    if (saved === undefined) delete process.env.SESSION_MAX_AGE_HOURS;
    else setProcessEnv({ SESSION_MAX_AGE_HOURS: saved });
    resetEnvCache();
  });
  // the expiry is decided before the database is asked: a database that throws proves it
  const noDb = new Proxy(
    {},
    {
      get: () => {
        throw new Error('the database was consulted');
      },
    },
  ) as unknown as Db;
  const hoursAgo = (hours: number) => Math.floor(Date.now() / 1000) - hours * 3600;

  it('is 12 hours when not configured, for the token check and for next-auth', async () => {
    // eslint-disable-next-line no-restricted-properties -- the default is what is under test
    delete process.env.SESSION_MAX_AGE_HOURS;
    resetEnvCache();
    expect(env().SESSION_MAX_AGE_HOURS).toBe(12);
    expect(authOptions().session?.maxAge).toBe(12 * 3600);
    expect(await resolveActor(noDb, { uid: 'u', sv: 1, signedInAt: hoursAgo(12.02) })).toEqual({
      actor: null,
      reason: 'expired',
    });
  });

  it('follows SESSION_MAX_AGE_HOURS', async () => {
    setProcessEnv({ SESSION_MAX_AGE_HOURS: '2' });
    expect(authOptions().session?.maxAge).toBe(2 * 3600);
    expect(await resolveActor(noDb, { uid: 'u', sv: 1, signedInAt: hoursAgo(2.05) })).toEqual({
      actor: null,
      reason: 'expired',
    });
    const ids = { uid: '00000000-0000-4000-8000-000000000001', sid: '00000000-0000-4000-8000-000000000002' };
    await expect(resolveActor(noDb, { ...ids, sv: 1, signedInAt: hoursAgo(1.9) })).rejects.toThrow(
      'the database was consulted',
    );
  });
});
