import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import { asDatabaseOwner, contextFor } from '@/server/testing/fixtures';
import {
  callByPath,
  everythingFrom,
  listProcedures,
  procedureSamples,
} from '@/server/testing/procedure-samples';
import { MARK, seedSecurityWorld, type SecurityWorld } from '@/server/testing/security-world';

/**
 * Issue 19, field level: what the contractor keeps to itself never reaches the vendor's own contact,
 * even on the vendor's own claim — budgets, the contract's sell value, approval comments, the QS's
 * working papers, other vendors. Every procedure with its sample, as the target vendor's subcontractor
 * (the insider: their own records answer), scanning responses and errors for canaries.
 */
const BUDGET = '987654.32';
const CONTRACT = '876543.21';
const COMMENT = 'internal-canary-comment-41c7';
const OTHER_VENDOR = 'Keystone Groundworks Ltd';
/** The internal document on the target claim (uploaded by its PM). */
const INTERNAL_FILE = `${MARK} invoice.txt`;

let testDb: TestDatabase;
let world: SecurityWorld;

beforeAll(async () => {
  testDb = await createTestDatabase();
  world = await seedSecurityWorld(testDb.db);
  await asDatabaseOwner(testDb.db, async (tx) => {
    await tx.execute(
      sql`UPDATE cost_codes SET original_budget_amount = ${BUDGET} WHERE project_id = ${world.target.projectId}`,
    );
    await tx.execute(
      sql`UPDATE projects SET original_contract_amount = ${CONTRACT} WHERE id = ${world.target.projectId}`,
    );
    await tx.execute(
      sql`UPDATE approval_decisions SET comment = ${COMMENT} WHERE record_type = 'claim' AND record_id = ${world.target.claimId}`,
    );
  });
});
afterAll(async () => testDb.drop());

describe('a subcontractor sees their own records and nothing the contractor keeps', () => {
  it('answers their own claim and subcontract, without budgets, sell values, comments, working papers or other vendors', async () => {
    const decisions = await testDb.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM approval_decisions WHERE record_type = 'claim' AND record_id = ${world.target.claimId} AND comment = ${COMMENT}`,
    );
    expect(decisions.rows[0]!.n).toBeGreaterThan(0); // the canary is really there to leak
    const caller = createCaller(contextFor(testDb.db, world.target.subcontractor));
    const failures: string[] = [];
    const answered: string[] = [];
    for (const { path, type } of listProcedures().sort((a, b) =>
      a.type === b.type ? 0 : a.type === 'query' ? -1 : 1,
    )) {
      const sample = procedureSamples[path];
      if (!sample) continue;
      const result = await everythingFrom(callByPath(caller, path, sample.input(world)));
      if (result.ok && type === 'query') answered.push(path);
      for (const [what, canary] of [
        ['a budget', BUDGET],
        ['the contract value', CONTRACT],
        ['an approval comment', COMMENT],
        ['another vendor', OTHER_VENDOR],
        ['the contractor’s working paper', INTERNAL_FILE],
      ] as const)
        if (result.text.includes(canary)) failures.push(`${path} carries ${what}`);
    }
    expect(failures).toEqual([]);
    // the scan reads real answers: their own claim, subcontract and the claim's documents list
    expect(answered).toEqual(
      expect.arrayContaining(['portal.claim', 'portal.subcontract', 'documents.list']),
    );
    const own = await everythingFrom(caller.portal.claim({ claimId: world.target.claimId }));
    expect(own.text).toContain(MARK);
  });
});
