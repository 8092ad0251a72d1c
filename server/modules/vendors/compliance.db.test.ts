import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeOrders,
  complianceDocuments,
  costCodes,
  organisations,
  partners,
  pendingChanges,
  sovLines,
  subcontracts,
  syncAttempts,
  syncLinks,
} from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { decideChange } from '@/server/modules/approvals/pending-change.service';
import {
  approveChangeOrder,
  submitChangeOrder,
} from '@/server/modules/change-orders/change-order-approval.service';
import { createChangeOrder } from '@/server/modules/change-orders/change-order.service';
import type { CreateChangeOrderInput } from '@/server/modules/change-orders/change-order.schemas';
import { uploadDocument } from '@/server/modules/documents/document.service';
import { organisationToday } from '@/server/lib/org-time';
import { createOdooClient, type OdooClient } from '@/server/odoo/client';
import { startSyncWorker } from '@/server/sync/runner';
import { waitFor } from '@/server/sync/testing/harness';
import { syncNow } from '@/server/sync/testing/sync-now';
import { asDatabaseOwner, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { vendorComplianceOn } from './compliance';
import {
  getVendorCompliance,
  listComplianceRegister,
  reviewComplianceDocument,
  submitComplianceDocument,
} from './compliance.service';
import {
  COMPLIANCE_EXPIRED_TAG,
  vendorComplianceSyncHandler,
  vendorsWithStaleComplianceTag,
} from './vendor-compliance.sync';

/**
 * Vendor compliance (issue 19) against PostgreSQL and the Odoo simulator: the one rule on the
 * organisation's today, certificates reviewed by finance with the date through dual control, a new
 * commitment CO refused (service and plain SQL) while the vendor is expired, and the Odoo partner tag
 * added once and removed when restored.
 */
let testDb: TestDatabase;
let org: SeededOrg;
let sim: OdooSim;
let odoo: OdooClient;
let projectId: string;
let vendorId: string;
let vendorOdooId: number;
let subcontractId: string;
let costCodeId: string;
let today: string;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function databaseError(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'accepted';
}

const setDates = (dates: Partial<typeof partners.$inferInsert>) =>
  asDatabaseOwner(testDb.db, (tx) => tx.update(partners).set(dates).where(eq(partners.id, vendorId)));

const commitmentInput = (): CreateChangeOrderInput => ({
  projectId,
  kind: 'commitment',
  subcontractId,
  title: 'Extra retaining wall',
  reason: 'design_change',
  description: '',
  scheduleImpactDays: 0,
  lines: [{ costCodeId, description: 'Wall', quantity: '1', unit: 'item', unitCost: '1000.00' }],
  documents: [],
});

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  projectId = org.projectIds['P-1001']!;
  const apiKey = `sim-compliance-${randomBytes(6).toString('hex')}`;
  sim = await startOdooSim({
    port: 0,
    version: 19,
    apiKey,
    db: 'compliance_test',
    login: 'admin',
    password: 'admin',
    seed: 'demo',
  });
  odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey, timeoutMs: 5_000 });
  vendorOdooId = sim.demo!.partners.keystone!;
  const [code] = await testDb.db.select().from(costCodes).where(eq(costCodes.projectId, projectId)).limit(1);
  costCodeId = code!.id;
  const [vendor] = await testDb.db
    .insert(partners)
    .values({
      organisationId: org.actors.admin.organisationId,
      name: 'Compliance Test Groundworks Ltd',
      isVendor: true,
      odooId: vendorOdooId,
    })
    .returning();
  vendorId = vendor!.id;
  const [sc] = await testDb.db
    .insert(subcontracts)
    .values({ projectId, vendorId, reference: 'SC-COMP-1', title: 'Compliance package' })
    .returning();
  subcontractId = sc!.id;
  await testDb.db
    .insert(sovLines)
    .values({ subcontractId, lineNo: 1, description: 'Walls', costCodeId, scheduledAmount: '50000.00' });
  await testDb.db.execute(
    sql`INSERT INTO project_members (project_id, user_id) VALUES (${projectId}, ${org.actors.qs2.id}) ON CONFLICT DO NOTHING`,
  );
  today = await organisationToday(testDb.db, org.actors.admin.organisationId);
});
afterAll(async () => {
  await sim?.stop();
  await testDb?.drop();
});

describe('the one compliance rule', () => {
  it('answers expired / expiring / current / missing on the day asked, from the database function', async () => {
    const on = '2027-06-15';
    const cases: [string | null, string | null, string | null, string][] = [
      ['2027-06-14', '2028-01-01', null, 'expired'], // expired yesterday
      ['2027-06-15', '2028-01-01', null, 'expiring'], // expires today: still covered, within 30 days
      ['2027-07-14', '2028-01-01', null, 'expiring'], // day 29
      ['2027-07-15', '2028-01-01', null, 'current'], // day 30
      ['2028-01-01', '2028-01-01', '2027-06-01', 'expired'], // an expired tax certificate counts
      [null, '2028-01-01', null, 'missing'],
      [null, '2028-01-01', '2027-01-01', 'expired'], // expired beats missing
    ];
    for (const [insurance, licence, tax, expected] of cases) {
      await setDates({
        insuranceExpiresOn: insurance,
        licenceExpiresOn: licence,
        taxCertificateExpiresOn: tax,
      });
      expect([insurance, licence, tax, (await vendorComplianceOn(testDb.db, vendorId, on))!.state]).toEqual([
        insurance,
        licence,
        tax,
        expected,
      ]);
    }
  });

  it("uses the organisation's time zone for today", async () => {
    // one instant, two calendar days: late evening in Honolulu is already tomorrow in Auckland
    await setDates({
      insuranceExpiresOn: today,
      licenceExpiresOn: addDays(today, 400),
      taxCertificateExpiresOn: null,
    });
    const orgId = org.actors.admin.organisationId;
    const dayIn = async (zone: string) => {
      await testDb.db.update(organisations).set({ timeZone: zone }).where(eq(organisations.id, orgId));
      const row = (await testDb.db.execute<{ d: string }>(sql`SELECT org_today(${orgId}::uuid)::text AS d`))
        .rows[0]!;
      const state = (await vendorComplianceOn(testDb.db, vendorId))!;
      return [row.d === state.on, state.state === (state.on > today ? 'expired' : 'expiring')];
    };
    expect(await dayIn('Pacific/Honolulu')).toEqual([true, true]);
    expect(await dayIn('Pacific/Auckland')).toEqual([true, true]);
    const [orgRow] = await testDb.db.select().from(organisations).where(eq(organisations.id, orgId));
    await testDb.db
      .update(organisations)
      .set({ timeZone: 'Europe/London' })
      .where(eq(organisations.id, orgRow!.id));
  });
});

describe('certificates: submitted, reviewed by finance, the date through dual control', () => {
  it('accepting asks for the date; the vendor changes only when an executive confirms', async () => {
    await setDates({
      insuranceExpiresOn: addDays(today, -3),
      licenceExpiresOn: addDays(today, 400),
      taxCertificateExpiresOn: null,
    });
    const uploaded = await uploadDocument(
      testDb.db,
      { recordType: 'vendor', recordId: vendorId, kind: 'compliance', fileName: 'insurance-2027.pdf' },
      PDF,
      org.actors.qs,
    );
    const newDate = addDays(today, 365);
    const { id } = await submitComplianceDocument(
      testDb.db,
      { vendorId, documentId: uploaded.id, type: 'insurance', expiresOn: newDate },
      org.actors.qs,
    );
    // a QS does not review, and nobody reviews their own submission
    await expect(
      reviewComplianceDocument(
        testDb.db,
        { complianceDocumentId: id, version: 1, decision: 'accept' },
        org.actors.qs,
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const accepted = await reviewComplianceDocument(
      testDb.db,
      { complianceDocumentId: id, version: 1, decision: 'accept' },
      org.actors.finance,
    );
    const [waiting] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    expect(waiting!.insuranceExpiresOn).toBe(addDays(today, -3));
    const [change] = await testDb.db
      .select()
      .from(pendingChanges)
      .where(eq(pendingChanges.id, accepted.pendingChangeId!));
    expect([
      change!.kind,
      change!.status,
      (change!.payload as Record<string, unknown>).insuranceExpiresOn,
    ]).toEqual(['vendor_compliance', 'pending', newDate]);
    // finance cannot confirm their own request
    await expect(
      decideChange(testDb.db, org.actors.finance, { changeId: change!.id, decision: 'confirm' }),
    ).rejects.toBeTruthy();
    await decideChange(testDb.db, org.actors.exec, { changeId: change!.id, decision: 'confirm' });
    const [after] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    expect([after!.insuranceExpiresOn, after!.licenceExpiresOn]).toEqual([newDate, addDays(today, 400)]);
    const view = await getVendorCompliance(testDb.db, org.actors.finance, vendorId);
    expect(view.documents.map((d) => [d.id, d.status, d.pendingChangeStatus, d.type])).toEqual([
      [id, 'accepted', 'confirmed', 'insurance'],
    ]);
    expect(view.state).toBe('current');
  });

  it('a tax certificate keeps its own date under the same dual control; a plain UPDATE is refused', async () => {
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE partners SET tax_certificate_expires_on = '2031-01-01' WHERE id = ${vendorId}`,
        ),
      ),
    ).toMatch(/dual control: insurance, licence and tax certificate/);
    const uploaded = await uploadDocument(
      testDb.db,
      { recordType: 'vendor', recordId: vendorId, kind: 'compliance', fileName: 'tax.pdf' },
      Buffer.concat([PDF, Buffer.from('% tax\n')]),
      org.actors.qs,
    );
    const taxDate = addDays(today, 200);
    const { id } = await submitComplianceDocument(
      testDb.db,
      { vendorId, documentId: uploaded.id, type: 'tax', expiresOn: taxDate },
      org.actors.qs,
    );
    const { pendingChangeId } = await reviewComplianceDocument(
      testDb.db,
      { complianceDocumentId: id, version: 1, decision: 'accept' },
      org.actors.finance,
    );
    const [before] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    await decideChange(testDb.db, org.actors.exec, { changeId: pendingChangeId!, decision: 'confirm' });
    const [after] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    expect([after!.taxCertificateExpiresOn, after!.insuranceExpiresOn, after!.licenceExpiresOn]).toEqual([
      taxDate,
      before!.insuranceExpiresOn,
      before!.licenceExpiresOn,
    ]);
  });

  it('a rejection needs a reason, changes no date, and a reviewed certificate is never reviewed again', async () => {
    const uploaded = await uploadDocument(
      testDb.db,
      { recordType: 'vendor', recordId: vendorId, kind: 'compliance', fileName: 'licence.pdf' },
      Buffer.concat([PDF, Buffer.from('% licence\n')]),
      org.actors.qs,
    );
    const { id } = await submitComplianceDocument(
      testDb.db,
      { vendorId, documentId: uploaded.id, type: 'licence', expiresOn: addDays(today, 90) },
      org.actors.qs,
    );
    await reviewComplianceDocument(
      testDb.db,
      { complianceDocumentId: id, version: 1, decision: 'reject', reason: 'Illegible scan' },
      org.actors.finance,
    );
    const [row] = await testDb.db.select().from(complianceDocuments).where(eq(complianceDocuments.id, id));
    expect([row!.status, row!.rejectionReason, row!.pendingChangeId]).toEqual([
      'rejected',
      'Illegible scan',
      null,
    ]);
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE compliance_documents SET status = 'submitted', reviewed_by_id = NULL, reviewed_at = NULL, rejection_reason = NULL WHERE id = ${id}`,
        ),
      ),
    ).toMatch(/already rejected/);
    expect(
      await databaseError(testDb.db.execute(sql`DELETE FROM compliance_documents WHERE id = ${id}`)),
    ).toMatch(/never deleted/);
    const register = await listComplianceRegister(testDb.db, org.actors.finance, {
      page: 0,
      pageSize: 200,
      filters: { vendorName: 'Compliance Test' },
    } as never);
    expect(register.rows.map((r) => [r.vendorId, r.awaitingReview])).toEqual([[vendorId, 0]]);
  });
});

describe('a non-compliant vendor gets no new commitment change order', () => {
  it('create, submit and final approval are refused with the reason; the database refuses it too', async () => {
    await setDates({
      insuranceExpiresOn: addDays(today, 400),
      licenceExpiresOn: addDays(today, 400),
      taxCertificateExpiresOn: null,
    });
    const { id: draftId } = await createChangeOrder(testDb.db, commitmentInput(), org.actors.qs);
    const { id: submittedId } = await createChangeOrder(testDb.db, commitmentInput(), org.actors.qs);
    await submitChangeOrder(testDb.db, { changeOrderId: submittedId, version: 1 }, org.actors.qs);
    await approveChangeOrder(testDb.db, { changeOrderId: submittedId, version: 2 }, org.actors.qs2);

    await setDates({ insuranceExpiresOn: addDays(today, -1) });
    const refusal = {
      code: 'VENDOR_NOT_COMPLIANT',
      message: expect.stringContaining(`insurance expired on ${addDays(today, -1)}`),
    };
    await expect(createChangeOrder(testDb.db, commitmentInput(), org.actors.qs)).rejects.toMatchObject(
      refusal,
    );
    await expect(
      submitChangeOrder(testDb.db, { changeOrderId: draftId, version: 1 }, org.actors.qs),
    ).rejects.toMatchObject(refusal);
    await expect(
      approveChangeOrder(testDb.db, { changeOrderId: submittedId, version: 3 }, org.actors.pm),
    ).rejects.toMatchObject(refusal);
    const rows = await testDb.db
      .select({ id: changeOrders.id, status: changeOrders.status })
      .from(changeOrders)
      .where(eq(changeOrders.subcontractId, subcontractId));
    expect(rows.map((r) => r.status).sort()).toEqual(['draft', 'submitted']);

    // the application bypassed: plain SQL over the runtime connection
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE change_orders SET status = 'submitted', submitted_by_id = ${org.actors.qs.id}, submitted_at = now() WHERE id = ${draftId}`,
        ),
      ),
    ).toMatch(/compliance: Compliance Test Groundworks Ltd is not compliant/);
    expect(
      await databaseError(
        testDb.db
          .execute(sql`INSERT INTO change_orders (project_id, number, reference, kind, title, reason, subcontract_id, cost_total_amount, routing_amount, created_by_id)
          VALUES (${projectId}, 9999, 'CO-9999', 'commitment', 'Sneaked in', 'other', ${subcontractId}, 0, 0, ${org.actors.qs.id})`),
      ),
    ).toMatch(/not compliant/);

    // restored: the same CO goes through
    await setDates({ insuranceExpiresOn: addDays(today, 400) });
    await submitChangeOrder(testDb.db, { changeOrderId: draftId, version: 1 }, org.actors.qs);
    const [submitted] = await testDb.db.select().from(changeOrders).where(eq(changeOrders.id, draftId));
    expect(submitted!.status).toBe('submitted');
  });
});

describe('the Odoo partner tag "Compliance: expired"', () => {
  const partnerTags = () => (sim.state.get('res.partner', vendorOdooId)!.category_id as number[]) ?? [];
  const tagIds = () => sim.state.search('res.partner.category', [['name', '=', COMPLIANCE_EXPIRED_TAG]]);
  const sync = () =>
    syncNow(vendorComplianceSyncHandler, {
      db: testDb.db,
      odoo,
      recordId: vendorId,
      attempt: 1,
      correlationId: null,
    });

  it('is created once, added once however often the sync runs, and removed when restored', async () => {
    await setDates({
      insuranceExpiresOn: addDays(today, 400),
      licenceExpiresOn: addDays(today, 400),
      taxCertificateExpiresOn: null,
    });
    await sync();
    expect([tagIds().length, partnerTags().length]).toEqual([0, 0]); // a compliant vendor never creates it

    // the earlier tests' confirmed changes asked for syncs no worker ran here; the evaluation skips a
    // vendor already waiting for its sync, so clear them to see what it asks for
    await testDb.db.execute(sql`DELETE FROM sync_requests WHERE record_type = 'vendor'`);
    await setDates({ licenceExpiresOn: addDays(today, -1) });
    expect(await vendorsWithStaleComplianceTag(testDb.db)).toContain(vendorId);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await sync());
    const [tagId] = tagIds();
    expect([tagIds().length, partnerTags().filter((id) => id === tagId).length]).toEqual([1, 1]);
    expect(results.map((r) => r.operation.split(' (')[0])).toEqual([
      `create tag "${COMPLIANCE_EXPIRED_TAG}" + add tag to partner`,
      ...Array(4).fill('no change'),
    ]);
    expect(results[4]!.links).toEqual([
      {
        purpose: 'compliance_tag',
        odooModel: 'res.partner.category',
        odooId: tagId,
        reference: COMPLIANCE_EXPIRED_TAG,
      },
    ]);
    expect(await vendorsWithStaleComplianceTag(testDb.db)).not.toContain(vendorId);

    // another tag the partner carries in Odoo is left alone
    const [other] = sim.state.search('res.partner.category', []).filter((id) => id !== tagId);
    const otherTag = other ?? sim.state.create('res.partner.category', { name: 'Preferred', color: 3 });
    sim.state.updateRow('res.partner', vendorOdooId, { category_id: [...partnerTags(), otherTag] });

    await setDates({ licenceExpiresOn: addDays(today, 400) });
    await sync();
    await sync();
    expect(partnerTags()).toEqual([otherTag]);
    expect(tagIds()).toEqual([tagId]);
    const [stored] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    expect(stored!.odooComplianceTagged).toBe(false);
  });

  it('two vendors expiring together, synced side by side, share one tag (Odoo has no unique tag name)', async () => {
    const vendorIds = Object.values(sim.demo!.partners).filter((id) => id !== vendorOdooId);
    const otherOdooId = vendorIds[0]!;
    const [other] = await testDb.db
      .insert(partners)
      .values({
        organisationId: org.actors.admin.organisationId,
        name: 'Compliance Test Second Vendor Ltd',
        isVendor: true,
        odooId: otherOdooId,
        insuranceExpiresOn: addDays(today, -3),
      })
      .returning();
    await setDates({ insuranceExpiresOn: addDays(today, -2), licenceExpiresOn: addDays(today, 400) });
    // nobody made the tag yet: both syncs search, find none, and would each create one without the lock
    for (const id of tagIds()) sim.state.deleteRow('res.partner.category', id);
    for (const odooId of [vendorOdooId, otherOdooId])
      sim.state.updateRow('res.partner', odooId, { category_id: [] });
    const outcomes = await vendorComplianceSyncHandler.syncBatch({
      db: testDb.db,
      odoo,
      items: [vendorId, other!.id].map((recordId) => ({ recordId, attempt: 1, correlationId: null })),
    });
    expect([...outcomes.values()].map((o) => ('error' in o ? String(o.error) : 'ok'))).toEqual(['ok', 'ok']);
    const tags = tagIds();
    expect(tags).toHaveLength(1);
    for (const odooId of [vendorOdooId, otherOdooId])
      expect(sim.state.get('res.partner', odooId)!.category_id).toEqual(tags);
    const operations = [...outcomes.values()].map((o) => ('result' in o ? o.result.operation : ''));
    expect(operations.filter((op) => op.startsWith(`create tag "${COMPLIANCE_EXPIRED_TAG}"`))).toHaveLength(
      1,
    );
  });

  it('a confirmed date change asks for the sync (in the history of the vendor)', async () => {
    const [before] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    const { requestChange } = await import('@/server/modules/approvals/pending-change.service');
    const changeId = await testDb.db.transaction((tx) =>
      requestChange(tx, org.actors.finance, {
        kind: 'vendor_compliance',
        subjectId: vendorId,
        payload: {
          insuranceExpiresOn: addDays(today, -10),
          licenceExpiresOn: before!.licenceExpiresOn,
          taxCertificateExpiresOn: before!.taxCertificateExpiresOn,
        },
        summary: { subject: before!.name, changes: {} },
      }),
    );
    await decideChange(testDb.db, org.actors.exec, { changeId: changeId.id, decision: 'confirm' });
    const requests = (
      await testDb.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM sync_requests WHERE record_type = 'vendor' AND record_id = ${vendorId}`,
      )
    ).rows[0]!;
    expect(requests.n).toBe(1);
    const worker = await startSyncWorker({
      databaseUrl: testDb.url,
      odoo: () => odoo,
      concurrency: 1,
      pollIntervalMs: 100,
      heartbeatIntervalMs: 500,
      sweepIntervalMs: 1_000,
      staleAfterMs: 10_000,
      engine: { retry: { baseMs: 20, capMs: 200, maxAttempts: 3 }, ambiguousDelayMs: 50 },
    });
    try {
      await waitFor(
        async () =>
          testDb.db
            .select({ operation: syncAttempts.operation, outcome: syncAttempts.outcome })
            .from(syncAttempts)
            .where(and(eq(syncAttempts.recordType, 'vendor'), eq(syncAttempts.recordId, vendorId))),
        (rows) => rows.length > 0,
        20_000,
        "the vendor's sync attempt",
      );
    } finally {
      await worker.stop();
    }
    const links = await testDb.db
      .select()
      .from(syncLinks)
      .where(and(eq(syncLinks.recordType, 'vendor'), eq(syncLinks.recordId, vendorId)));
    expect(links.map((l) => [l.odooModel, l.odooId])).toContainEqual(['res.partner.category', tagIds()[0]]);
    expect(partnerTags()).toContain(tagIds()[0]);
    const [stored] = await testDb.db.select().from(partners).where(eq(partners.id, vendorId));
    expect([stored!.odooComplianceTagged, stored!.complianceSyncStatus]).toEqual([true, 'synced']);
  });
});
