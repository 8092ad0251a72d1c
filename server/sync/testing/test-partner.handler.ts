import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SyncHandler, SyncRecordDescription, SyncStatus } from '../registry';

/**
 * A record type for the sync engine's tests only. Its "records" live in a JSON file (no table may be
 * added for tests), so a spawned worker process and the test process see the same records. Its
 * handler follows the real contract: search res.partner by the deterministic reference, adopt what
 * exists, create only when nothing does.
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
   */
  behaviour?: 'normal' | 'user_error' | 'bad_call';
  syncStatus: SyncStatus;
};

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
    async sync({ odoo, recordId }) {
      const record = must(recordId);
      const [existing] = await odoo.search('res.partner', [['ref', '=', record.reference]], { limit: 1 });
      const partnerId = existing ?? (await odoo.create('res.partner', { name: record.name, ref: record.reference, supplier_rank: 1 }));
      if (record.behaviour === 'bad_call') await odoo.call('res.partner', 'search_count', { params: { domain: [], no_such_argument: 1 } });
      if (record.behaviour === 'user_error') {
        const [bill] = await odoo.search('account.move', [['ref', '=', record.reference]], { limit: 1 });
        const billId = bill ?? (await odoo.create('account.move', { move_type: 'in_invoice', partner_id: partnerId, ref: record.reference }));
        await odoo.action('account.move', 'action_post', [billId]);
      }
      return {
        operation: existing === undefined ? 'create partner' : 'adopt existing partner',
        odooModel: 'res.partner',
        odooId: partnerId,
        links: [{ purpose: 'partner', odooModel: 'res.partner', odooId: partnerId, reference: record.reference }],
      };
    },
    async setSyncStatus(_db, recordId, status) {
      store.put(recordId, { ...must(recordId), syncStatus: status });
    },
    async describe(_db, recordId): Promise<SyncRecordDescription | null> {
      const record = store.get(recordId);
      if (!record) return null;
      return { reference: record.reference, projectId: record.projectId, amountAtStake: record.amountAtStake, syncStatus: record.syncStatus };
    },
  };
}
