import { createHash } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { documentBlobs, documents } from '@/db/schema';
import type { OdooClient } from '@/server/odoo/client';
import type { SyncLinkInput } from '@/server/sync/registry';

/**
 * A record's documents of one kind attached to its Odoo document (issue 19): the subcontractor's
 * invoice on the claim's vendor bill, milestone evidence on the customer invoice. Once each, however
 * often the sync runs and whatever crashed: before creating, the `ir.attachment` is searched by the
 * Odoo record and the content's SHA-1 — Odoo's own `checksum` (odoo/addons/base/models/ir_attachment.py,
 * `_compute_checksum`: `hashlib.sha1(bin_data).hexdigest()`) — and adopted when found. Called by the
 * claim and milestone sync handlers, inside their level-triggered run; writes nothing to PostgreSQL.
 */
export async function attachRecordDocuments(
  db: DbOrTx,
  odoo: OdooClient,
  input: {
    recordType: 'claim' | 'milestone';
    recordId: string;
    kind: string;
    resModel: string;
    resId: number;
  },
): Promise<{ links: SyncLinkInput[]; created: number }> {
  const rows = await db
    .select({
      id: documents.id,
      fileName: documents.fileName,
      contentType: documentBlobs.contentType,
      content: documentBlobs.content,
    })
    .from(documents)
    .innerJoin(documentBlobs, eq(documentBlobs.sha256, documents.blobSha256))
    .where(
      and(
        eq(documents.recordType, input.recordType),
        eq(documents.recordId, input.recordId),
        eq(documents.kind, input.kind),
        isNull(documents.removedAt),
      ),
    )
    .orderBy(asc(documents.uploadedAt), asc(documents.id));
  const links: SyncLinkInput[] = [];
  let created = 0;
  const seen = new Set<string>();
  for (const row of rows) {
    const checksum = createHash('sha1').update(row.content).digest('hex');
    if (seen.has(checksum)) continue; // the same bytes uploaded twice are one attachment
    seen.add(checksum);
    const [found] = await odoo.search(
      'ir.attachment',
      [
        ['res_model', '=', input.resModel],
        ['res_id', '=', input.resId],
        ['checksum', '=', checksum],
      ],
      { order: 'id', limit: 1 },
    );
    let attachmentId = found;
    if (attachmentId === undefined) {
      attachmentId = await odoo.create('ir.attachment', {
        name: row.fileName,
        type: 'binary',
        datas: row.content.toString('base64'),
        res_model: input.resModel,
        res_id: input.resId,
        mimetype: row.contentType,
      });
      created += 1;
    }
    links.push({
      purpose: `attachment:${row.id}`,
      odooModel: 'ir.attachment',
      odooId: attachmentId,
      reference: row.fileName,
    });
  }
  return { links, created };
}
