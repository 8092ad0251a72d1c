import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partners, users } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';

/**
 * Dual control with the application bypassed: plain SQL over the application's own connection (the
 * runtime path), no service. The guards of migration `dual_control_guards` refuse every change of
 * bank details, compliance dates or approver roles that no second person confirmed in that same
 * transaction, with exactly those values; and the requests themselves cannot be forged or rewritten.
 */
let testDb: TestDatabase;
let org: SeededOrg;
let vendorId: string;

async function databaseError(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'accepted';
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  const [vendor] = await testDb.db
    .insert(partners)
    .values({ organisationId: org.actors.admin.organisationId, name: 'Plain SQL Vendor Ltd', isVendor: true })
    .returning();
  vendorId = vendor!.id;
});
afterAll(async () => testDb.drop());

const request = (kind: string, subjectId: string, payload: object, requesterId: string) =>
  testDb.db.execute<{
    id: string;
  }>(sql`INSERT INTO pending_changes (organisation_id, kind, subject_id, payload, summary, requested_by_id)
    VALUES (${org.actors.admin.organisationId}, ${kind}, ${subjectId}, ${JSON.stringify(payload)}::jsonb, '{}'::jsonb, ${requesterId}) RETURNING id`);

describe('a plain UPDATE without a confirmed request is refused', () => {
  it('bank details, insurance and licence expiry', async () => {
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE partners SET bank_account_number = 'GB00-PLAIN-SQL-9999' WHERE id = ${vendorId}`,
        ),
      ),
    ).toMatch(/dual control: bank details/);
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE partners SET insurance_expires_on = '2031-01-01' WHERE id = ${vendorId}`,
        ),
      ),
    ).toMatch(/dual control: insurance, licence and tax certificate/);
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE partners SET licence_expires_on = '2031-01-01' WHERE id = ${vendorId}`),
      ),
    ).toMatch(/dual control/);
    const [row] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    expect([row!.bankAccountNumber, row!.insuranceExpiresOn, row!.licenceExpiresOn]).toEqual([
      null,
      null,
      null,
    ]);
    // fields the guard does not cover still change
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE partners SET name = 'Plain SQL Vendor Limited' WHERE id = ${vendorId}`),
      ),
    ).toBe('accepted');
  });

  it('a role grant that confers approval rights, and reactivating an approver', async () => {
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE users SET role = 'project_manager' WHERE id = ${org.actors.qs2.id}`),
      ),
    ).toMatch(/dual control: user .* gains approval rights/);
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE users SET is_active = false WHERE id = ${org.actors.pm2.id}`),
      ),
    ).toBe('accepted');
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE users SET is_active = true WHERE id = ${org.actors.pm2.id}`),
      ),
    ).toMatch(/gains approval rights/);
    // admin approves nothing: making someone an admin is not an approver grant
    const [row] = await testDb.db.select().from(users).where(eq(users.id, org.actors.qs2.id));
    expect(row!.role).toBe('quantity_surveyor');
  });

  it('removing a second factor', async () => {
    await testDb.db.execute(
      sql`INSERT INTO user_mfa (user_id, secret_ciphertext, secret_iv, secret_tag, enabled_at) VALUES (${org.actors.finance.id}, 'x', 'x', 'x', now())`,
    );
    expect(
      await databaseError(
        testDb.db.execute(sql`DELETE FROM user_mfa WHERE user_id = ${org.actors.finance.id}`),
      ),
    ).toMatch(/dual control: the second factor/);
  });
});

describe('requests cannot be forged, self-confirmed or reused', () => {
  it('a request is inserted pending, by a requesting role, never about oneself', async () => {
    expect(
      await databaseError(
        testDb.db
          .execute(sql`INSERT INTO pending_changes (organisation_id, kind, subject_id, payload, summary, requested_by_id, status, decided_by_id, decided_at, applied_xact)
          VALUES (${org.actors.admin.organisationId}, 'vendor_bank', ${vendorId}, '{}'::jsonb, '{}'::jsonb, ${org.actors.finance.id}, 'confirmed', ${org.actors.exec.id}, now(), current_xact_number())`),
      ),
    ).toMatch(/requested as pending/);
    expect(await databaseError(request('vendor_bank', vendorId, {}, org.actors.pm.id))).toMatch(
      /requested by finance/,
    );
    expect(
      await databaseError(
        request('role_grant', org.actors.admin.id, { role: 'executive' }, org.actors.admin.id),
      ),
    ).toMatch(/for themselves/);
  });

  it('the requester cannot confirm, nor the wrong role, and a confirmation in another transaction does not open the guard', async () => {
    const payload = { bankAccountName: 'Payee', bankAccountNumber: 'GB00-CONFIRMED-1234' };
    const [{ id }] = (await request('vendor_bank', vendorId, payload, org.actors.finance.id)).rows as [
      { id: string },
    ];
    const confirmAs = (userId: string) =>
      testDb.db.execute(
        sql`UPDATE pending_changes SET status = 'confirmed', decided_by_id = ${userId}, decided_at = now(), applied_xact = current_xact_number() WHERE id = ${id}`,
      );
    expect(await databaseError(confirmAs(org.actors.finance.id))).toMatch(/decided by executive/);
    expect(await databaseError(confirmAs(org.actors.admin.id))).toMatch(/decided by executive/);
    // where the requesting role also confirms (an MFA reset: admin and admin), the requester still cannot
    const [reset] = (await request('mfa_reset', org.actors.finance.id, {}, org.actors.admin.id)).rows as [
      { id: string },
    ];
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE pending_changes SET status = 'confirmed', decided_by_id = ${org.actors.admin.id}, decided_at = now(), applied_xact = current_xact_number() WHERE id = ${reset.id}`,
        ),
      ),
    ).toMatch(/pending_changes_second_person/);
    // confirmed (legitimately) in one transaction, the vendor updated in the next: refused
    expect(await databaseError(confirmAs(org.actors.exec.id))).toBe('accepted');
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE partners SET bank_account_name = 'Payee', bank_account_number = 'GB00-CONFIRMED-1234' WHERE id = ${vendorId}`,
        ),
      ),
    ).toMatch(/dual control/);
    // a decided request is never rewritten or deleted
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE pending_changes SET payload = '{"bankAccountNumber":"GB00-OTHER"}'::jsonb WHERE id = ${id}`,
        ),
      ),
    ).toMatch(/already confirmed/);
    expect(await databaseError(testDb.db.execute(sql`DELETE FROM pending_changes WHERE id = ${id}`))).toMatch(
      /never deleted/,
    );
  });

  it('in the confirming transaction, only exactly the confirmed values pass', async () => {
    const payload = { bankAccountName: 'Real Payee', bankAccountNumber: 'GB00-EXACT-5678' };
    const [{ id }] = (await request('vendor_bank', vendorId, payload, org.actors.finance.id)).rows as [
      { id: string },
    ];
    const attempt = (number: string) =>
      testDb.db.transaction(async (tx) => {
        await tx.execute(
          sql`UPDATE pending_changes SET status = 'confirmed', decided_by_id = ${org.actors.exec.id}, decided_at = now(), applied_xact = current_xact_number() WHERE id = ${id}`,
        );
        await tx.execute(
          sql`UPDATE partners SET bank_account_name = 'Real Payee', bank_account_number = ${number} WHERE id = ${vendorId}`,
        );
      });
    expect(await databaseError(attempt('GB00-SWAPPED-0000'))).toMatch(/dual control: bank details/);
    expect(await databaseError(attempt('GB00-EXACT-5678'))).toBe('accepted');
    const [row] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    expect(row!.bankAccountNumber).toBe('GB00-EXACT-5678');
  });
});
