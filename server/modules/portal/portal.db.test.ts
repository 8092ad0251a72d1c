import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claims, users, vendorInvitations } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import type { Actor } from '@/server/auth/actor';
import { resolveActor } from '@/server/auth/session';
import { certifyClaim, rejectClaim } from '@/server/modules/claims/claim-approval.service';
import { claimsAwaiting } from '@/server/modules/claims/claim.queries';
import {
  addSecondQs,
  seedWorkedExampleSubcontract,
  type ClaimSubcontract,
} from '@/server/modules/claims/claim.testing';
import {
  listDocuments,
  readDocumentForDownload,
  uploadDocument,
} from '@/server/modules/documents/document.service';
import { outboxDir } from '@/server/modules/notifications/mailer';
import { getVendorCompliance, submitComplianceDocument } from '@/server/modules/vendors/compliance.service';
import {
  asDatabaseOwner,
  seedTestOrganisation,
  sessionClaimsFor,
  type SeededOrg,
} from '@/server/testing/fixtures';
import {
  acceptInvitation,
  inviteContact,
  readInvitation,
  revokeInvitation,
  setContactActive,
  setVendorPortalActive,
} from './invitation.service';
import { getOwnClaim, getOwnSubcontract, listOwnClaims, listOwnSubcontracts } from './portal.queries';
import { reviseOwnClaim, saveOwnClaim, startOwnClaim, submitOwnClaim } from './portal.service';

let testDb: TestDatabase;
let org: SeededOrg;
let mine: ClaimSubcontract; // SC-PORTAL-A, vendor A
let theirs: ClaimSubcontract; // SC-PORTAL-B, vendor B
let subA: Actor;
let subB: Actor;
let pdf: Buffer;
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function contactOf(vendorId: string, email: string): Promise<Actor> {
  const [row] = await testDb.db
    .insert(users)
    .values({
      organisationId: org.actors.admin.organisationId,
      email,
      name: email.split('@')[0]!,
      role: 'subcontractor',
      vendorId,
      passwordHash: 'x',
    })
    .returning();
  return {
    id: row!.id,
    organisationId: row!.organisationId,
    email,
    name: row!.name,
    role: 'subcontractor',
    vendorId,
  };
}

/** What PostgreSQL said (drizzle wraps it in "Failed query: …"). */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return `${String(error)} ${String((error as { cause?: unknown }).cause ?? '')}`;
  }
  return 'accepted';
}

/** The invitation link in the newest outbox message to `email`. */
async function linkSentTo(email: string): Promise<string> {
  const dir = outboxDir();
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .reverse();
  for (const file of files) {
    const text = (await readFile(path.join(dir, file), 'utf8')).replace(/=\r?\n/g, '');
    if (text.includes(`To: ${email}`)) {
      const match = /\/invite\/([A-Za-z0-9_-]{20,})/.exec(text);
      if (match) return match[1]!;
    }
  }
  throw new Error(`no invitation mail to ${email}`);
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  mine = await seedWorkedExampleSubcontract(testDb.db, org, { reference: 'SC-PORTAL-A' });
  theirs = await seedWorkedExampleSubcontract(testDb.db, org, { reference: 'SC-PORTAL-B' });
  // qs2 reviewed the worked example's CO; then leaves P-1001: the QS who does not see these vendors
  await testDb.db.execute(
    sql`DELETE FROM project_members WHERE project_id = ${org.projectIds['P-1001']!} AND user_id = ${org.actors.qs2.id}`,
  );
  subA = await contactOf(mine.vendorId, 'site@vendor-a.example');
  subB = await contactOf(theirs.vendorId, 'site@vendor-b.example');
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Invoice A-7');
  pdf = Buffer.from(await doc.save());
});
afterAll(async () => testDb.drop());

describe('subcontractor portal: invitations (issue 19)', () => {
  it('invites by email with a single-use link that creates a login scoped to the vendor', async () => {
    const email = 'new.person@vendor-a.example';
    const { invitationId } = await inviteContact(
      testDb.db,
      { vendorId: mine.vendorId, email, name: 'New Person' },
      org.actors.finance,
    );
    const token = await linkSentTo(email);
    const [stored] = await testDb.db
      .select()
      .from(vendorInvitations)
      .where(eq(vendorInvitations.id, invitationId));
    expect(stored!.tokenSha256).not.toContain(token); // only the hash is kept
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeCloseTo(7 * 24 * 3600 * 1000, -4);
    expect(await readInvitation(testDb.db, token)).toMatchObject({ state: 'valid', email });

    await acceptInvitation(testDb.db, {
      token,
      name: 'New Person',
      password: 'a-long-enough-password',
      confirmPassword: 'a-long-enough-password',
    });
    const [user] = await testDb.db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ role: 'subcontractor', vendorId: mine.vendorId, isActive: true });
    // single use
    await expect(
      acceptInvitation(testDb.db, {
        token,
        name: 'Someone Else',
        password: 'another-long-password',
        confirmPassword: 'another-long-password',
      }),
    ).rejects.toThrow(/already been used/);
    expect(await readInvitation(testDb.db, token)).toEqual({ state: 'used' });
  });

  it('refuses an expired, a withdrawn and an unknown link, and nothing is created', async () => {
    const before = await testDb.db.select({ n: sql<number>`count(*)::int` }).from(users);
    const email = 'late@vendor-a.example';
    const { invitationId } = await inviteContact(
      testDb.db,
      { vendorId: mine.vendorId, email, name: 'Late' },
      org.actors.finance,
    );
    const token = await linkSentTo(email);
    // eight days later (the owner moves the clock, as a data fix would)
    await asDatabaseOwner(testDb.db, (tx) =>
      tx.execute(
        sql`UPDATE vendor_invitations SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE id = ${invitationId}`,
      ),
    );
    const accept = (t: string) =>
      acceptInvitation(testDb.db, {
        token: t,
        name: 'Late',
        password: 'a-long-enough-password',
        confirmPassword: 'a-long-enough-password',
      });
    await expect(accept(token)).rejects.toThrow(/expired/);

    const again = 'withdrawn@vendor-a.example';
    const second = await inviteContact(
      testDb.db,
      { vendorId: mine.vendorId, email: again, name: 'W' },
      org.actors.finance,
    );
    const secondToken = await linkSentTo(again);
    await revokeInvitation(testDb.db, second.invitationId, org.actors.finance);
    await expect(accept(secondToken)).rejects.toThrow(/withdrawn/);
    await expect(accept('x'.repeat(43))).rejects.toThrow(/not valid/);
    const after = await testDb.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('does not let a plain UPDATE reopen or re-accept an invitation', async () => {
    const [accepted] = await testDb.db
      .select()
      .from(vendorInvitations)
      .where(sql`accepted_at IS NOT NULL`)
      .limit(1);
    expect(
      await refusal(
        testDb.db.execute(sql`UPDATE vendor_invitations SET accepted_at = now() WHERE id = ${accepted!.id}`),
      ),
    ).toMatch(/accepted once/);
    expect(
      await refusal(
        testDb.db.execute(
          sql`UPDATE vendor_invitations SET expires_at = now() + interval '30 days' WHERE id = ${accepted!.id}`,
        ),
      ),
    ).toMatch(/never change/);
  });

  it('is not open to a QS who does not see the vendor, nor for an address that already signs in', async () => {
    // qs2 is on P-1003 only; both vendors work on P-1001
    await expect(
      inviteContact(
        testDb.db,
        { vendorId: mine.vendorId, email: 'x@vendor-a.example', name: 'X' },
        org.actors.qs2,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      inviteContact(
        testDb.db,
        { vendorId: mine.vendorId, email: org.actors.pm.email, name: 'PM' },
        org.actors.qs,
      ),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });

  it("ends a contact's sessions when the contact or the vendor is switched off", async () => {
    const token = await sessionClaimsFor(testDb.db, subA.id);
    expect((await resolveActor(testDb.db, token)).actor?.vendorId).toBe(mine.vendorId);
    const vendorVersion = async () =>
      (
        await testDb.db.execute<{ version: number }>(
          sql`SELECT version FROM partners WHERE id = ${mine.vendorId}`,
        )
      ).rows[0]!.version;
    await setVendorPortalActive(
      testDb.db,
      { vendorId: mine.vendorId, version: await vendorVersion(), active: false },
      org.actors.finance,
    );
    expect((await resolveActor(testDb.db, token)).actor).toBeNull();
    await expect(
      inviteContact(
        testDb.db,
        { vendorId: mine.vendorId, email: 'y@vendor-a.example', name: 'Y' },
        org.actors.finance,
      ),
    ).rejects.toThrow(/switched off/);
    await setVendorPortalActive(
      testDb.db,
      { vendorId: mine.vendorId, version: await vendorVersion(), active: true },
      org.actors.finance,
    );
    const fresh = await sessionClaimsFor(testDb.db, subA.id);
    expect((await resolveActor(testDb.db, fresh)).actor?.id).toBe(subA.id);

    const [row] = await testDb.db.select().from(users).where(eq(users.id, subB.id));
    const other = await sessionClaimsFor(testDb.db, subB.id);
    await setContactActive(
      testDb.db,
      { userId: subB.id, version: row!.version, active: false },
      org.actors.finance,
    );
    expect((await resolveActor(testDb.db, other)).actor).toBeNull();
    const [off] = await testDb.db.select().from(users).where(eq(users.id, subB.id));
    await setContactActive(
      testDb.db,
      { userId: subB.id, version: off!.version, active: true },
      org.actors.finance,
    );
  });
});

describe('subcontractor portal: claims (issue 19)', () => {
  let claimId: string;

  it('shows the subcontractor only their own subcontracts, with scheduled, previously certified and remaining', async () => {
    const list = await listOwnSubcontracts(testDb.db, subA);
    expect(list.map((s) => s.reference)).toEqual(['SC-PORTAL-A']);
    const detail = await getOwnSubcontract(testDb.db, subA, mine.subcontractId);
    expect(
      detail!.lines.map((l) => [l.scheduledAmount, l.previousCertifiedAmount, l.remainingAmount]),
    ).toEqual([
      ['120000.00', '0.00', '120000.00'],
      ['80000.00', '0.00', '80000.00'],
      ['15000.00', '0.00', '15000.00'],
    ]);
    expect(JSON.stringify(detail)).not.toMatch(/costCode|budget|odoo/i);
    expect(await getOwnSubcontract(testDb.db, subA, theirs.subcontractId)).toBeNull();
    expect(await getOwnSubcontract(testDb.db, org.actors.qs, mine.subcontractId)).toBeNull();
  });

  it('keeps a draft, refuses to submit without the invoice or evidence for new materials, then submits to the QS inbox', async () => {
    ({ id: claimId } = await startOwnClaim(
      testDb.db,
      { subcontractId: mine.subcontractId, periodEnd: '2026-03-31' },
      subA,
    ));
    await saveOwnClaim(
      testDb.db,
      {
        claimId,
        version: 1,
        lines: [
          { sovLineId: mine.sov[0]!.id, claimedToDate: '60000.00' },
          { sovLineId: mine.sov[1]!.id, claimedPercent: '25' },
        ],
        materialsClaimedToDate: '5000.00',
        invoiceNumber: 'A-7',
      },
      subA,
    );
    const draft = await getOwnClaim(testDb.db, subA, claimId);
    expect(draft).toMatchObject({ status: 'draft', vendorInvoiceNumber: 'A-7', claimedTotal: '80000.00' });
    expect(draft!.lines.map((l) => l.claimedToDateAmount)).toEqual(['60000.00', '20000.00', '0.00']);

    const submit = (version: number) =>
      submitOwnClaim(testDb.db, { claimId, version, invoiceNumber: 'A-7', declaration: true }, subA);
    await expect(submit(2)).rejects.toThrow(/Attach your invoice/);
    await uploadDocument(
      testDb.db,
      { recordType: 'claim', recordId: claimId, kind: 'invoice', fileName: 'A-7.pdf' },
      pdf,
      subA,
    );
    await expect(submit(2)).rejects.toThrow(/new materials on site: attach evidence/);
    await uploadDocument(
      testDb.db,
      { recordType: 'claim', recordId: claimId, kind: 'delivery_note', fileName: 'dn.png' },
      png,
      subA,
    );
    await submit(2);
    const [row] = await testDb.db.select().from(claims).where(eq(claims.id, claimId));
    expect(row).toMatchObject({ status: 'submitted', submittedById: subA.id, declaredById: subA.id });
    expect(row!.declaredAt).not.toBeNull();
    const inbox = await claimsAwaiting(testDb.db, org.actors.qs);
    expect(inbox.map((i) => i.id)).toContain(claimId);
    // submitted: no more documents from the subcontractor
    await expect(
      uploadDocument(
        testDb.db,
        { recordType: 'claim', recordId: claimId, kind: 'photo', fileName: 'late.png' },
        png,
        subA,
      ),
    ).rejects.toThrow(/has been submitted/);
  });

  it("keeps another vendor's contact out of every door: NOT_FOUND, nothing written", async () => {
    expect(await getOwnClaim(testDb.db, subB, claimId)).toBeNull();
    expect((await listOwnClaims(testDb.db, subB)).map((c) => c.id)).not.toContain(claimId);
    await expect(
      startOwnClaim(testDb.db, { subcontractId: mine.subcontractId, periodEnd: '2026-04-30' }, subB),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      saveOwnClaim(testDb.db, { claimId, version: 3, lines: [], materialsClaimedToDate: '0' }, subB),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(reviseOwnClaim(testDb.db, { claimId, version: 3 }, subB)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(listDocuments(testDb.db, subB, 'claim', claimId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const [doc] = (await listDocuments(testDb.db, subA, 'claim', claimId)).documents;
    await expect(readDocumentForDownload(testDb.db, subB, doc!.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("refuses, in the database, a subcontractor who certifies or acts on another vendor's claim", async () => {
    expect(
      await refusal(
        testDb.db.execute(sql`UPDATE claims SET certified_by_id = ${subA.id} WHERE id = ${claimId}`),
      ),
    ).toMatch(/never certifies/);
    expect(
      await refusal(
        testDb.db.execute(sql`UPDATE claims SET submitted_by_id = ${subB.id} WHERE id = ${claimId}`),
      ),
    ).toMatch(/own vendor/);
    expect(
      await refusal(
        testDb.db.execute(
          sql`INSERT INTO project_members (project_id, user_id) VALUES (${org.projectIds['P-1001']!}, ${subA.id})`,
        ),
      ),
    ).toMatch(/never a project member/);
  });

  it("shows the certified figures with the reason for each cut, and only the contractor's certificate among its documents", async () => {
    // the QS's working paper on the same claim stays internal
    await uploadDocument(
      testDb.db,
      { recordType: 'claim', recordId: claimId, kind: 'other', fileName: 'qs-measure.png' },
      Buffer.concat([png, Buffer.from('qs')]),
      org.actors.qs,
    );
    await certifyClaim(
      testDb.db,
      {
        claimId,
        version: 3,
        lines: [
          {
            sovLineId: mine.sov[0]!.id,
            certifiedToDate: '54000.00',
            reason: 'Bay 4 slab not poured at the valuation date',
          },
          { sovLineId: mine.sov[1]!.id, certifiedToDate: '20000.00' },
          { sovLineId: mine.sov[2]!.id, certifiedToDate: '0.00' },
        ],
        materialsStoredToDate: '4000.00',
        materialsReason: 'One pallet of pipes damaged',
        deductions: [],
      },
      org.actors.qs,
    );
    const seen = await getOwnClaim(testDb.db, subA, claimId);
    expect(seen!.status).toBe('certified');
    expect(seen!.lines[0]).toMatchObject({
      claimedToDateAmount: '60000.00',
      certifiedToDateAmount: '54000.00',
      certifyReason: 'Bay 4 slab not poured at the valuation date',
    });
    expect(seen!.materials).toMatchObject({
      claimedToDateAmount: '5000.00',
      certifiedToDateAmount: '4000.00',
      reason: 'One pallet of pipes damaged',
    });
    expect(seen!.figures?.dueThisClaim).toMatch(/^\d+\.\d{2}$/);
    expect(seen!.actions.certificate).toBe(true);
    const docs = (await listDocuments(testDb.db, subA, 'claim', claimId)).documents.map((d) => d.fileName);
    expect(docs.sort()).toEqual(['A-7.pdf', 'dn.png']);
    const internal = (await listDocuments(testDb.db, org.actors.qs, 'claim', claimId)).documents.map(
      (d) => d.fileName,
    );
    expect(internal).toContain('qs-measure.png');
    // never the contractor's budgets, cost codes, approval comments or other vendors
    const json = JSON.stringify(seen);
    expect(json).not.toMatch(/costCode|budget|decisions|comment|SC-PORTAL-B|insurance|bank/i);
  });

  it('brings a rejected claim back with the reason, and the revision keeps the application and its documents', async () => {
    const [row] = await testDb.db.select().from(claims).where(eq(claims.id, claimId));
    await rejectClaim(
      testDb.db,
      { claimId, version: row!.version, comment: 'Invoice total does not match the application' },
      org.actors.pm,
    );
    const rejected = await getOwnClaim(testDb.db, subA, claimId);
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Invoice total does not match the application',
    });
    expect(rejected!.actions.revise).toBe(true);
    const { id } = await reviseOwnClaim(testDb.db, { claimId, version: rejected!.version }, subA);
    const revision = await getOwnClaim(testDb.db, subA, id);
    expect(revision).toMatchObject({ status: 'draft', revision: 2, vendorInvoiceNumber: 'A-7' });
    expect(
      (await listDocuments(testDb.db, subA, 'claim', id)).documents.map((d) => d.fileName).sort(),
    ).toEqual(['A-7.pdf', 'dn.png']);
    // and it can go again, as the same author
    await submitOwnClaim(
      testDb.db,
      { claimId: id, version: revision!.version, invoiceNumber: 'A-7b', declaration: true },
      subA,
    );
    const [again] = await testDb.db
      .select()
      .from(claims)
      .where(and(eq(claims.id, id), eq(claims.status, 'submitted')));
    expect(again?.vendorInvoiceNumber).toBe('A-7b');
    // and the QS may send a submitted claim back before certifying it, with the reason they read
    await rejectClaim(
      testDb.db,
      { claimId: id, version: again!.version, comment: 'Invoice A-7b is unsigned' },
      org.actors.qs,
    );
    expect(await getOwnClaim(testDb.db, subA, id)).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Invoice A-7b is unsigned',
      actions: { revise: true },
    });
  });
});

describe('subcontractor portal: compliance certificates (issue 19)', () => {
  it('lets a contact upload and submit their own vendor’s certificate for finance, and nobody else’s', async () => {
    const cert = await uploadDocument(
      testDb.db,
      { recordType: 'vendor', recordId: mine.vendorId, kind: 'certificate', fileName: 'insurance-2027.pdf' },
      pdf,
      subA,
    );
    await submitComplianceDocument(
      testDb.db,
      { vendorId: mine.vendorId, documentId: cert.id, type: 'insurance', expiresOn: '2027-06-30' },
      subA,
    );
    const seen = await getVendorCompliance(testDb.db, subA, mine.vendorId);
    expect(seen.documents.map((d) => [d.fileName, d.status, d.canReview])).toEqual([
      ['insurance-2027.pdf', 'submitted', false],
    ]);
    const finance = await getVendorCompliance(testDb.db, org.actors.finance, mine.vendorId);
    expect(finance.documents[0]).toMatchObject({ fileName: 'insurance-2027.pdf', canReview: true });
    // another vendor's contact: the same NOT_FOUND as an unknown vendor, for reading, uploading and submitting
    await expect(getVendorCompliance(testDb.db, subB, mine.vendorId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      uploadDocument(
        testDb.db,
        { recordType: 'vendor', recordId: mine.vendorId, kind: 'certificate', fileName: 'x.pdf' },
        pdf,
        subB,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      submitComplianceDocument(
        testDb.db,
        { vendorId: mine.vendorId, documentId: cert.id, type: 'insurance', expiresOn: '2027-06-30' },
        subB,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listDocuments(testDb.db, subB, 'vendor', mine.vendorId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
