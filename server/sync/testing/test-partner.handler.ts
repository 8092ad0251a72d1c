import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { raiseException } from '@/server/modules/exceptions/exception-raise.service';
import { eachRecord, type SyncHandler, type SyncRecordDescription, type SyncStatus } from '../registry';

/**
 * A record type for the sync engine's tests only. Its "records" live in a JSON file (no table may be
 * added for tests), so a spawned worker process and the test process see the same records. Its
 * handler follows the real contract: search res.partner by the deterministic reference, adopt what
 * exists, create only when nothing does.
 *
 * A file is not transactional, so a status is written with the id of the transaction that set it and
 * counts only once PostgreSQL says that transaction committed (`committedStatus`): a test never sees
 * "synced" before the attempt that made it has landed, nor a status whose transaction died.
 */
export const TEST_RECORD_TYPE = 'test_partner';

export type TestPartnerRecord = {
  name: string;
  reference: string;
  projectId: string | null;
  amountAtStake: string | null;
  /**
   * 'user_error': after the partner, post an empty vendor bill, which Odoo refuses (UserError).
   * 'bad_call': after the partner, a call whose arguments Odoo cannot bind (a Plumbline bug).
   * 'failing_effect': its effect writes a row (an exception with cause TEST_EFFECT_CAUSE), then throws.
   */
  behaviour?: 'normal' | 'user_error' | 'bad_call' | 'failing_effect';
  /** The status the record was created with. */
  syncStatus: SyncStatus;
  /** Statuses set since, each with the transaction that set it, oldest first. */
  statusLog?: { status: SyncStatus; txid: string }[];
  /** Each run of the sync's effect ("remember the partner"), with the transaction it ran in. */
  effectLog?: { partnerId: number; txid: string }[];
};

/** The cause of the row a 'failing_effect' record's effect writes before it throws. */
export const TEST_EFFECT_CAUSE = 'test_partner.effect';

/** The record's status as of the transactions that have committed. */
export async function committedStatus(db: DbOrTx, record: TestPartnerRecord): Promise<SyncStatus> {
  for (const entry of [...(record.statusLog ?? [])].reverse()) {
    const result = await db.execute<{ status: string | null }>(
      sql`SELECT txid_status(${entry.txid}::bigint) AS status`,
    );
    if (result.rows[0]?.status === 'committed') return entry.status;
  }
  return record.syncStatus;
}

export type TestRecordStore = {
  get(id: string): TestPartnerRecord | undefined;
  put(id: string, record: TestPartnerRecord): void;
};

export function createJsonRecordStore(file: string): TestRecordStore {
  const load = (): Record<string, TestPartnerRecord> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, TestPartnerRecord>;
    } catch {
      return {};
    }
  };
  return {
    get: (id) => load()[id],
    put: (id, record) => {
      const all = { ...load(), [id]: record };
      // write-then-rename: the other process never reads half a file
      writeFileSync(`${file}.tmp`, JSON.stringify(all));
      renameSync(`${file}.tmp`, file);
    },
  };
}

export function createTestPartnerHandler(store: TestRecordStore): SyncHandler {
  const must = (id: string) => {
    const record = store.get(id);
    if (!record) throw new Error(`test record ${id} is missing`);
    return record;
  };
  return {
    recordType: TEST_RECORD_TYPE,
    syncBatch: eachRecord(async ({ odoo, recordId }) => {
      const record = must(recordId);
      const [existing] = await odoo.search('res.partner', [['ref', '=', record.reference]], { limit: 1 });
      const partnerId =
        existing ??
        (await odoo.create('res.partner', { name: record.name, ref: record.reference, supplier_rank: 1 }));
      if (record.behaviour === 'bad_call')
        await odoo.call('res.partner', 'search_count', { params: { domain: [], no_such_argument: 1 } });
      if (record.behaviour === 'user_error') {
        const [bill] = await odoo.search('account.move', [['ref', '=', record.reference]], { limit: 1 });
        const billId =
          bill ??
          (await odoo.create('account.move', {
            move_type: 'in_invoice',
            partner_id: partnerId,
            ref: record.reference,
          }));
        await odoo.action('account.move', 'action_post', [billId]);
      }
      return {
        operation: existing === undefined ? 'create partner' : 'adopt existing partner',
        odooModel: 'res.partner',
        odooId: partnerId,
        links: [
          { purpose: 'partner', odooModel: 'res.partner', odooId: partnerId, reference: record.reference },
        ],
        effects: [
          {
            what: 'test record remembers its partner',
            apply: async (tx) => {
              if (record.behaviour === 'failing_effect') {
                await raiseException(tx, {
                  category: 'rule_breach',
                  cause: TEST_EFFECT_CAUSE,
                  recordType: TEST_RECORD_TYPE,
                  recordId,
                  recordReference: record.reference,
                  projectId: null,
                  amountAtStake: null,
                  title: 'written by an effect that then fails',
                  detail: 'must be rolled back with the attempt',
                  guidance: 'none',
                  ownerRole: 'admin',
                });
                throw new Error(`effect of ${record.reference} failed after writing`);
              }
              const result = await tx.execute<{ txid: string }>(sql`SELECT txid_current()::text AS txid`);
              const now = must(recordId);
              store.put(recordId, {
                ...now,
                effectLog: [...(now.effectLog ?? []), { partnerId, txid: result.rows[0]!.txid }],
              });
            },
          },
        ],
      };
    }),
    async setSyncStatus(db, recordId, status) {
      const result = await db.execute<{ txid: string }>(sql`SELECT txid_current()::text AS txid`);
      const record = must(recordId);
      store.put(recordId, {
        ...record,
        statusLog: [...(record.statusLog ?? []), { status, txid: result.rows[0]!.txid }],
      });
    },
    async describe(db, recordId): Promise<SyncRecordDescription | null> {
      const record = store.get(recordId);
      if (!record) return null;
      return {
        reference: record.reference,
        projectId: record.projectId,
        amountAtStake: record.amountAtStake,
        syncStatus: await committedStatus(db, record),
      };
    },
  };
}
