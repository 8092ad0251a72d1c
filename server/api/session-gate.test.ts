import { describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { sessionGate, type Context } from './trpc';

const finance = {
  id: '00000000-0000-4000-8000-000000000001',
  organisationId: '00000000-0000-4000-8000-000000000002',
  email: 'finance@northbeam.example',
  name: 'Finance',
  role: 'finance' as const,
};
const ctx = (over: Partial<Context>): Context => ({ db: {} as Db, actor: finance, requestId: 'r', ...over });

describe('the gates of tRPC procedures and file routes (one rule: sessionGate)', () => {
  it('lets a full session read a document and refuses a role without the permission', () => {
    expect(sessionGate(ctx({}), 'document.read')).toBeNull();
    expect(sessionGate(ctx({}), 'user.create')).toMatchObject({ code: 'FORBIDDEN' });
    expect(sessionGate(ctx({ actor: null, anonymousReason: 'revoked' }), 'document.read')).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('session has ended'),
    });
  });
  it('refuses documents and certificates to a one-time password or a missing second factor', () => {
    for (const permission of ['document.read', 'document.write', 'claim.read'] as const) {
      expect(sessionGate(ctx({ passwordChangeRequired: true }), permission)).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('new password'),
      });
      expect(sessionGate(ctx({ mfaEnrolmentRequired: true }), permission)).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('two-step'),
      });
    }
    // what they may still do
    expect(sessionGate(ctx({ passwordChangeRequired: true }), 'session.change_password')).toBeNull();
  });
});
