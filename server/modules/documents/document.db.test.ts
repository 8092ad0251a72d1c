import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, documentBlobs, documents } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createClaim } from '@/server/modules/claims/claim.service';
import { addSecondQs, seedWorkedExampleSubcontract } from '@/server/modules/claims/claim.testing';
import { asDatabaseOwner, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import {
  DOCUMENT_MAX_BYTES,
  listDocuments,
  readDocumentForDownload,
  removeDocument,
  uploadDocument,
} from './document.service';

let testDb: TestDatabase;
let org: SeededOrg;
let claimId: string; // on P-1001: qs, pm and pm2 are members; qs2 is not
let pdf: Buffer;
// a 1×1 PNG
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org); // the worked example's CO is reviewed by qs2…
  const sc = await seedWorkedExampleSubcontract(testDb.db, org, { reference: 'SC-DOC-01' });
  // …who then leaves P-1001: the outsider of these tests
  await testDb.db.execute(
    sql`DELETE FROM project_members WHERE project_id = ${org.projectIds['P-1001']!} AND user_id = ${org.actors.qs2.id}`,
  );
  claimId = (
    await createClaim(testDb.db, { subcontractId: sc.subcontractId, periodEnd: '2026-03-31' }, org.actors.qs)
  ).id;
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Invoice INV-0042');
  pdf = Buffer.from(await doc.save());
});
afterAll(async () => testDb.drop());

const onClaim = (fileName: string, kind: 'invoice' | 'photo' | 'other' = 'invoice') => ({
  recordType: 'claim' as const,
  recordId: claimId,
  kind,
  fileName,
});

describe('documents (issue 19)', () => {
  it('keeps an upload with its type read from the bytes, lists it and serves the same bytes', async () => {
    const saved = await uploadDocument(testDb.db, onClaim('INV-0042.pdf'), pdf, org.actors.qs);
    expect(saved).toMatchObject({ contentType: 'application/pdf', deduplicated: false });
    // a PNG named .txt is what its bytes say, not what its name says
    const photo = await uploadDocument(testDb.db, onClaim('site.txt', 'photo'), png, org.actors.qs);
    expect(photo.contentType).toBe('image/png');
    const listed = await listDocuments(testDb.db, org.actors.pm2, 'claim', claimId);
    expect(listed.canUpload).toBe(true);
    expect(listed.documents.map((d) => [d.fileName, d.contentType])).toEqual(
      expect.arrayContaining([
        ['INV-0042.pdf', 'application/pdf'],
        // the name keeps what the uploader typed and gains the extension of what the bytes are
        ['site.txt.png', 'image/png'],
      ]),
    );
    // text that would run if opened under its own name is saved as text
    const script = await uploadDocument(
      testDb.db,
      onClaim('run.hta', 'other'),
      Buffer.from('CreateObject("WScript.Shell").Run "calc"\n'),
      org.actors.qs,
    );
    expect(script).toMatchObject({ contentType: 'text/plain', fileName: 'run.hta.txt' });
    const download = await readDocumentForDownload(testDb.db, org.actors.finance, saved.id);
    expect(download.content.equals(pdf)).toBe(true);
    expect(download.contentType).toBe('application/pdf');
    const [audit] = await testDb.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'document.upload'))
      .limit(1);
    expect(audit).toMatchObject({ entityType: 'claim', entityId: claimId });
  });

  it('stores the same content once: a second upload of the bytes is a new document on the same blob', async () => {
    const before = await testDb.db.select({ n: sql<number>`count(*)::int` }).from(documentBlobs);
    const again = await uploadDocument(testDb.db, onClaim('copy of invoice.pdf'), pdf, org.actors.pm2);
    expect(again.deduplicated).toBe(true);
    const after = await testDb.db.select({ n: sql<number>`count(*)::int` }).from(documentBlobs);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses by content, on the file field: HTML named .pdf, an executable, an empty file, 25 MB + 1 byte', async () => {
    const refused = async (bytes: Buffer, name: string, message: RegExp) => {
      await expect(uploadDocument(testDb.db, onClaim(name), bytes, org.actors.qs)).rejects.toMatchObject({
        code: 'VALIDATION',
        details: { field: 'file' },
        message: expect.stringMatching(message),
      });
    };
    await refused(
      Buffer.from('<html><script>alert(1)</script></html>'),
      'invoice.pdf',
      /could not be recognised/,
    );
    await refused(
      Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]),
      'invoice.pdf',
      /EXE|not keep|recognised/,
    );
    await refused(Buffer.alloc(0), 'empty.pdf', /empty/);
    await refused(Buffer.alloc(DOCUMENT_MAX_BYTES + 1, 0x20), 'big.txt', /larger than 25 MB/);
    const rows = await testDb.db.select({ name: documents.fileName }).from(documents);
    expect(rows.map((r) => r.name)).not.toEqual(
      expect.arrayContaining(['invoice.html', 'empty.pdf', 'big.txt']),
    );
  });

  it('is authorised exactly like the record: outsiders get NOT_FOUND, readers who may not edit cannot add', async () => {
    const [doc] = await testDb.db.select({ id: documents.id }).from(documents).limit(1);
    // qs2 is not a member of P-1001: the claim, its list and its document do not exist for them
    await expect(listDocuments(testDb.db, org.actors.qs2, 'claim', claimId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(readDocumentForDownload(testDb.db, org.actors.qs2, doc!.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(uploadDocument(testDb.db, onClaim('x.pdf'), pdf, org.actors.qs2)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // the executive reads every project but does not edit claims
    const asExec = await listDocuments(testDb.db, org.actors.exec, 'claim', claimId);
    expect(asExec.documents.length).toBeGreaterThan(0);
    expect(asExec.canUpload).toBe(false);
    await expect(uploadDocument(testDb.db, onClaim('x.pdf'), pdf, org.actors.exec)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    // an unknown record type is the same NOT_FOUND
    await expect(listDocuments(testDb.db, org.actors.exec, 'payroll', claimId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('lets only the uploader remove a document, keeps it, and the database refuses a rewrite', async () => {
    const saved = await uploadDocument(testDb.db, onClaim('wrong.pdf', 'other'), pdf, org.actors.qs);
    await expect(removeDocument(testDb.db, saved.id, org.actors.pm2)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await removeDocument(testDb.db, saved.id, org.actors.qs);
    expect(
      (await listDocuments(testDb.db, org.actors.qs, 'claim', claimId)).documents.map((d) => d.id),
    ).not.toContain(saved.id);
    await expect(readDocumentForDownload(testDb.db, org.actors.qs, saved.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // a database owner editing rows: the name, the record and the bytes stay as uploaded (triggers)…
    await expect(
      testDb.db.update(documents).set({ fileName: 'renamed.pdf' }).where(eq(documents.id, saved.id)),
    ).rejects.toMatchObject({ cause: { message: expect.stringContaining('never rewritten') } });
    await expect(
      testDb.db
        .update(documentBlobs)
        .set({ contentType: 'text/html' })
        .where(eq(documentBlobs.sha256, saved.sha256)),
    ).rejects.toMatchObject({ cause: { message: expect.stringContaining('never changed') } });
    // …and with the triggers off (a superuser's replica mode) the bytes still cannot leave their hash
    await expect(
      asDatabaseOwner(testDb.db, (tx) =>
        tx
          .update(documentBlobs)
          .set({ content: Buffer.from('%PDF-1.4 forged') })
          .where(eq(documentBlobs.sha256, saved.sha256)),
      ),
    ).rejects.toMatchObject({ cause: { constraint: expect.stringMatching(/^document_blobs_(hash|size)$/) } });
  });

  it("the app's runtime role may not change or delete stored bytes", async () => {
    const client = new pg.Client({ connectionString: testDb.runtimeUrl });
    await client.connect();
    try {
      const rights = await client.query<{ update: boolean; delete: boolean; insert: boolean }>(
        `SELECT has_table_privilege('document_blobs', 'UPDATE') AS update,
                has_table_privilege('document_blobs', 'DELETE') AS delete,
                has_table_privilege('document_blobs', 'INSERT') AS insert`,
      );
      expect(rights.rows[0]).toEqual({ update: false, delete: false, insert: true });
    } finally {
      await client.end();
    }
  });
});
