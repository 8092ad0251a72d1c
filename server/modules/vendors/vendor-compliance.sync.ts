import { eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { partners } from '@/db/schema';
import type { OdooClient } from '@/server/odoo/client';
import { OdooBusinessError } from '@/server/odoo/errors';
import { eachRecord, type SyncHandler, type SyncOneContext, type SyncResult } from '@/server/sync/registry';
import { vendorComplianceOn } from './compliance';

const RECORD_TYPE = 'vendor';

/** The partner tag (res.partner.category) a non-compliant vendor carries in Odoo (DOMAIN §8). */
export const COMPLIANCE_EXPIRED_TAG = 'Compliance: expired';
/** Odoo's colour index 1 (red in the tag palette); only used when Plumbline creates the tag. */
const TAG_COLOR = 1;

/**
 * Level-triggered (server/sync/registry.ts): read the vendor's compliance now (the one rule,
 * compliance.ts, on the organisation's today) and make its Odoo partner's tags match:
 * - expired: the "Compliance: expired" tag exists (searched by name, created if missing) and is on
 *   the partner's `category_id` (command [4, id, 0], link);
 * - otherwise: the tag is not on the partner (command [3, id, 0], unlink: the tag itself stays for
 *   other partners). A compliant vendor never creates the tag.
 * Reads before writing, so a re-run, a duplicate request or a crash after Odoo answered changes
 * nothing twice. The vendor remembers what Odoo shows (`odoo_compliance_tagged`, an effect) so the
 * hourly evaluation (vendor-compliance.task.ts) asks only for vendors whose state moved.
 */
export const vendorComplianceSyncHandler: SyncHandler = {
  recordType: RECORD_TYPE,
  syncBatch: eachRecord(syncVendorCompliance),

  async setSyncStatus(db, recordId, status) {
    await db.update(partners).set({ complianceSyncStatus: status }).where(eq(partners.id, recordId));
  },

  async describe(db, recordId) {
    const [row] = await db
      .select({ name: partners.name, syncStatus: partners.complianceSyncStatus })
      .from(partners)
      .where(eq(partners.id, recordId));
    if (!row) return null;
    // organisation-wide: visible to the roles that see every project (record-access.ts)
    return { reference: row.name, projectId: null, amountAtStake: null, syncStatus: row.syncStatus };
  },
};

async function syncVendorCompliance({ db, odoo, recordId }: SyncOneContext): Promise<SyncResult> {
  const [vendor] = await db
    .select({ id: partners.id, name: partners.name, odooId: partners.odooId })
    .from(partners)
    .where(eq(partners.id, recordId));
  if (!vendor) throw business('plumbline.MissingMapping', 'The vendor no longer exists in Plumbline.');
  if (vendor.odooId === null)
    throw business(
      'plumbline.MissingMapping',
      `Vendor ${vendor.name} has no Odoo partner linked. Run a master-data pull.`,
    );
  const compliance = (await vendorComplianceOn(db, vendor.id))!;
  const expired = compliance.state === 'expired';
  const [partner] = await odoo.read<{ id: number; category_id: number[] }>(
    'res.partner',
    [vendor.odooId],
    ['category_id'],
  );
  if (!partner)
    throw business(
      'plumbline.PartnerMissing',
      `Odoo partner ${vendor.odooId} of ${vendor.name} no longer exists (deleted or archived in Odoo).`,
    );
  let tagId = await findTag(odoo);
  const operations: string[] = [];
  if (expired) {
    if (tagId === null) {
      const made = await findOrCreateTag(db, odoo);
      tagId = made.id;
      if (made.created) operations.push(`create tag "${COMPLIANCE_EXPIRED_TAG}"`);
    }
    if (!partner.category_id.includes(tagId)) {
      await odoo.write('res.partner', [vendor.odooId], { category_id: [[4, tagId, 0]] });
      operations.push('add tag to partner');
    } else operations.push('no change (partner already tagged)');
  } else if (tagId !== null && partner.category_id.includes(tagId)) {
    await odoo.write('res.partner', [vendor.odooId], { category_id: [[3, tagId, 0]] });
    operations.push('remove tag from partner');
  } else operations.push('no change (compliant, not tagged)');
  return {
    operation: `${operations.join(' + ')} (${compliance.state} on ${compliance.on})`,
    odooModel: 'res.partner',
    odooId: vendor.odooId,
    links:
      tagId === null
        ? []
        : [
            {
              purpose: 'compliance_tag',
              odooModel: 'res.partner.category',
              odooId: tagId,
              reference: COMPLIANCE_EXPIRED_TAG,
            },
          ],
    effects: [
      {
        what: 'vendor remembers its Odoo compliance tag',
        apply: async (tx) => {
          await tx.update(partners).set({ odooComplianceTagged: expired }).where(eq(partners.id, vendor.id));
        },
      },
    ],
  };
}

/**
 * The tag, created when Odoo has none. Vendors sync side by side (eachRecord, several workers), and
 * Odoo has no unique name on res.partner.category, so two vendors expiring in the same hour would each
 * create one: the search and the create run under a transaction-scoped advisory lock, so the second
 * waits and then finds the first's tag (Odoo commits each JSON-2/JSON-RPC call before answering). A
 * crash releases the lock with its connection; a create that Odoo committed is found by the next run.
 */
async function findOrCreateTag(db: Db, odoo: OdooClient): Promise<{ id: number; created: boolean }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('plumbline.odoo.compliance-tag'))`);
    const found = await findTag(odoo);
    if (found !== null) return { id: found, created: false };
    const id = await odoo.create('res.partner.category', { name: COMPLIANCE_EXPIRED_TAG, color: TAG_COLOR });
    return { id, created: true };
  });
}

/** The tag's id, by its exact name (the lowest id if someone made two); null when there is none. */
async function findTag(odoo: OdooClient): Promise<number | null> {
  const found = await odoo.searchRead<{ id: number; name: string }>(
    'res.partner.category',
    [['name', '=', COMPLIANCE_EXPIRED_TAG]],
    ['name'],
    { order: 'id', limit: 1 },
  );
  return found[0]?.id ?? null;
}

function business(odooName: string, message: string) {
  return new OdooBusinessError({ odooName, message });
}

/**
 * Vendors linked to Odoo whose compliance state today (their organisation's) disagrees with what their
 * Odoo partner shows (or was never synced while expired): the ones the hourly evaluation syncs.
 */
export async function vendorsWithStaleComplianceTag(db: DbOrTx): Promise<string[]> {
  const rows = (
    await db.execute<{ id: string }>(sql`
      SELECT p.id FROM partners p
       WHERE p.is_vendor AND p.odoo_id IS NOT NULL
         AND (partner_compliance_state(p.id) = 'expired') IS DISTINCT FROM coalesce(p.odoo_compliance_tagged, false)
         AND NOT EXISTS (SELECT 1 FROM sync_requests r WHERE r.record_type = 'vendor' AND r.record_id = p.id)
       ORDER BY p.id`)
  ).rows;
  return rows.map((r) => r.id);
}
