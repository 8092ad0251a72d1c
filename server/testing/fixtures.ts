import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { Secret } from 'otpauth';
import { projects, userMfa, users } from '@/db/schema';
import { encryptSecret } from '@/server/lib/crypto';
import { seedDemoOrganisation } from '@/db/seed/demo-organisation';
import type { Actor } from '@/server/auth/actor';
import { isRole } from '@/server/auth/roles';
import { openSession } from '@/server/auth/session';
import type { Context } from '@/server/api/trpc';

export const TEST_PASSWORD = 'correct-horse-battery-staple';

export type SeededOrg = {
  actors: Record<'admin' | 'qs' | 'pm' | 'finance' | 'exec' | 'qs2' | 'pm2' | 'sub', Actor>;
  projectIds: Record<string, string>;
};

/** The demo organisation, with an Actor per seeded user, for service and router tests. */
export async function seedTestOrganisation(db: Db): Promise<SeededOrg> {
  await seedDemoOrganisation(db, { password: TEST_PASSWORD });
  const rows = await db.select().from(users);
  const byEmail = (email: string): Actor => {
    const row = rows.find((user) => user.email === email);
    if (!row || !isRole(row.role)) throw new Error(`seed user ${email} missing`);
    return {
      id: row.id,
      organisationId: row.organisationId,
      email: row.email,
      name: row.name,
      role: row.role,
      vendorId: row.vendorId,
    };
  };
  const projectRows = await db.select({ id: projects.id, code: projects.code }).from(projects);
  return {
    actors: {
      admin: byEmail('admin@northbeam.example'),
      qs: byEmail('qs@northbeam.example'),
      pm: byEmail('pm@northbeam.example'),
      finance: byEmail('finance@northbeam.example'),
      exec: byEmail('exec@northbeam.example'),
      qs2: byEmail('qs2@northbeam.example'),
      pm2: byEmail('pm2@northbeam.example'),
      /** Keystone Groundworks' portal login (a demo vendor with no subcontract until a test gives it one). */
      sub: byEmail('claims@keystone-groundworks.example'),
    },
    projectIds: Object.fromEntries(projectRows.map((row) => [row.code, row.id])),
  };
}

export function contextFor(
  db: Db,
  actor: Actor | null,
  anonymousReason?: Context['anonymousReason'],
): Context {
  return {
    db,
    actor,
    anonymousReason: actor ? undefined : (anonymousReason ?? 'anonymous'),
    requestId: 'test',
  };
}

export async function sessionVersionOf(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ sv: users.sessionVersion }).from(users).where(eq(users.id, userId));
  if (!row) throw new Error('user missing');
  return row.sv;
}

/** The claims of a fresh sign-in of `userId`, with a live server-side session row (as next-auth mints them). */
export async function sessionClaimsFor(db: Db, userId: string) {
  return {
    uid: userId,
    sv: await sessionVersionOf(db, userId),
    sid: await openSession(db, userId),
    signedInAt: Math.floor(Date.now() / 1000),
  };
}

/**
 * A context whose session proved the second factor just now, for an actor with an enrolled factor:
 * what the step-up actions (payment release above the PM limit, bank details, the Odoo connection) need.
 */
export async function contextWithFreshMfa(db: Db, actor: Actor): Promise<Context> {
  const secret = new Secret({ size: 20 }).base32;
  const sealed = encryptSecret(secret);
  await db
    .insert(userMfa)
    .values({
      userId: actor.id,
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretTag: sealed.tag,
      enabledAt: new Date(),
    })
    .onConflictDoNothing();
  const sessionId = await openSession(db, actor.id, { mfaVerified: true });
  return { ...contextFor(db, actor), sessionId };
}

/**
 * Writes fixture data as the database owner would in a data migration, with the guards off (a
 * superuser's `session_replication_role = replica`): vendor compliance dates or a role the dual-control
 * guards would otherwise refuse without a confirmed request. Tests of the guards never use it.
 */
export async function asDatabaseOwner<T>(db: Db, write: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    return write(tx);
  });
}
