import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import {
  addSecondQs,
  seedWorkedExampleSubcontract,
  type ClaimSubcontract,
} from '@/server/modules/claims/claim.testing';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';

let testDb: TestDatabase;
let org: SeededOrg;
let sc: ClaimSubcontract;
let claimId: string;

const as = (who: keyof SeededOrg['actors']) => createCaller(contextFor(testDb.db, org.actors[who]));

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  sc = await seedWorkedExampleSubcontract(testDb.db, org, {
    reference: 'RT-1',
    vendorOdooId: 9500,
    purchaseOrderId: 9500,
  });
  claimId = (await as('pm').claims.create({ subcontractId: sc.subcontractId, periodEnd: '2026-03-31' })).id;
  await as('pm').claims.update({
    claimId,
    version: 1,
    lines: [{ sovLineId: sc.sov[0]!.id, claimedPercent: '50' }],
  });
  await as('pm').claims.submit({ claimId, version: 2 });
});
afterAll(async () => testDb.drop());

async function code(promise: Promise<unknown>) {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

describe('claims router', () => {
  it('hides another project: NOT_FOUND for a QS who is not a member, absent from their list', async () => {
    await testDb.db.execute(
      `DELETE FROM project_members WHERE user_id = '${org.actors.qs2.id}' AND project_id = '${org.projectIds['P-1001']}'`,
    );
    expect(await code(as('qs2').claims.get({ claimId }))).toBe('NOT_FOUND');
    expect(await code(as('qs2').claims.certificate({ claimId }))).toBe('NOT_FOUND');
    expect((await as('qs2').claims.list({})).total).toBe(0);
    expect(
      (await as('finance').claims.list({ filters: { status: 'submitted', vendorName: 'RT-1' } })).rows.map(
        (r) => r.reference,
      ),
    ).toEqual(['CLM-RT-1-001']);
  });

  it('offers each person only their step and lists the claim in their approvals', async () => {
    expect((await as('qs').claims.get({ claimId })).actions).toEqual(['certify', 'reject']);
    expect((await as('pm').claims.get({ claimId })).actions).toEqual([]);
    expect(
      (await as('qs').session.myApprovals())
        .filter((i) => i.kind === 'claim')
        .map((i) => [i.reference, i.step]),
    ).toEqual([['CLM-RT-1-001', 'Certify (QS)']]);
    await as('qs').claims.certify({
      claimId,
      version: 3,
      lines: [
        { sovLineId: sc.sov[0]!.id, certifiedToDate: '55000.00', reason: 'Part of the slab is not poured' },
      ],
    });
    // the PM who raised and submitted it waits for another PM; pm2 sees it
    expect((await as('pm').session.myApprovals()).filter((i) => i.kind === 'claim')).toEqual([]);
    expect(
      (await as('pm2').session.myApprovals())
        .filter((i) => i.kind === 'claim')
        .map((i) => [i.step, i.amount]),
    ).toEqual([['Approve (PM)', '49500.00']]);
    expect(await code(as('pm').claims.approve({ claimId, version: 4 }))).toBe('FORBIDDEN');
    expect(await code(as('finance').claims.approve({ claimId, version: 4 }))).toBe('FORBIDDEN');
    await as('pm2').claims.approve({ claimId, version: 4 });
    // 49,500.00 due is above the PM limit: an executive approves as well before finance sees it (issue 13)
    expect((await as('finance').session.myApprovals()).filter((i) => i.kind === 'claim')).toEqual([]);
    expect(
      (await as('exec').session.myApprovals()).filter((i) => i.kind === 'claim').map((i) => i.step),
    ).toEqual(['Approve (executive)']);
    expect((await as('exec').claims.get({ claimId })).actions).toEqual(['approve', 'reject']);
    await as('exec').claims.approve({ claimId, version: 4 });
    expect(
      (await as('finance').session.myApprovals()).filter((i) => i.kind === 'claim').map((i) => i.step),
    ).toEqual(['Finance release']);
    expect((await as('finance').claims.get({ claimId })).actions).toEqual(['release', 'reject']);
  });
});
