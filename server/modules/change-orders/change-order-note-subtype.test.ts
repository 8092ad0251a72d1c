import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient } from '@/server/odoo/client';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import { noteSubtype } from './change-order.sync-batch';

/** Issue 14 item 10: the chatter note subtype is found by its XML id, so a German Odoo works too. */
describe('chatter note subtype on a non-English Odoo', () => {
  let sim: OdooSim;
  beforeAll(async () => {
    sim = await startOdooSim({
      version: 19,
      db: 'de',
      login: 'admin',
      password: 'pw',
      apiKey: 'de-key',
      seed: 'empty',
      lang: 'de_DE',
    });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it.each(['json2', 'jsonrpc'] as const)(
    'finds mail.mt_note ("Notiz") through ir.model.data (%s)',
    async (transport) => {
      const odoo = createOdooClient({
        url: sim.url,
        db: sim.db,
        login: sim.login,
        apiKey: sim.apiKey,
        transport,
      });
      const id = await noteSubtype(odoo);
      expect(id).toBeDefined();
      expect(sim.state.read('mail.message.subtype', [id!], ['name', 'internal'])[0]).toMatchObject({
        name: 'Notiz',
        internal: true,
      });
      // the old lookup by display name finds nothing here
      expect(await odoo.search('mail.message.subtype', [['name', '=', 'Note']])).toEqual([]);
    },
  );

  it('message_post resolves subtype_xmlid the same way and refuses an unknown one', async () => {
    const odoo = createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey: sim.apiKey });
    const partner = await odoo.create('res.partner', { name: 'Kunde GmbH' });
    const note = await odoo.messagePost('res.partner', partner, { body: 'Freigegeben' });
    const comment = await odoo.messagePost('res.partner', partner, {
      body: 'Hallo',
      subtypeXmlid: 'mail.mt_comment',
    });
    const names = sim.state
      .read('mail.message', [note, comment], ['subtype_id'])
      .map((m) => (m.subtype_id as [number, string])[1]);
    expect(names).toEqual(['Notiz', 'Diskussionen']);
    await expect(
      odoo.messagePost('res.partner', partner, { body: 'x', subtypeXmlid: 'mail.mt_nope' }),
    ).rejects.toMatchObject({
      odooName: 'builtins.ValueError',
    });
  });
});
