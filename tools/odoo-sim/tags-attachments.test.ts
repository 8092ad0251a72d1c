import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createOdooClient } from '@/server/odoo/client';
import { isOdooError } from '@/server/odoo/errors';
import { startOdooSim, type OdooSim } from './server';

/**
 * The simulator's res.partner.category (partner tags, many2many `category_id` on res.partner) and
 * ir.attachment over both transports, through Plumbline's own client (positional create on JSON-RPC,
 * named on JSON-2). Sources: odoo/addons/base/models/res_partner.py, ir_attachment.py.
 */
const started: OdooSim[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
});

async function clientFor(version: 17 | 19) {
  const sim = await startOdooSim({
    port: 0,
    version,
    db: 'tags',
    login: 'admin',
    password: 'pw',
    apiKey: 'key',
    seed: 'demo',
  });
  started.push(sim);
  return {
    sim,
    odoo: createOdooClient({ url: sim.url, db: sim.db, login: sim.login, apiKey: 'key', timeoutMs: 5_000 }),
  };
}

describe.each([17, 19] as const)('Odoo %i', (version) => {
  it('partner tags: create, link [4], unlink [3] keep the other tags; a missing id and an unknown command are refused', async () => {
    const { sim, odoo } = await clientFor(version);
    const partner = sim.demo!.partners.keystone!;
    const preferred = await odoo.create('res.partner.category', { name: 'Preferred' });
    const expired = await odoo.create('res.partner.category', { name: 'Compliance: expired', color: 1 });
    await odoo.write('res.partner', [partner], { category_id: [[4, preferred, 0]] });
    await odoo.write('res.partner', [partner], { category_id: [[4, expired, 0]] });
    await odoo.write('res.partner', [partner], { category_id: [[4, expired, 0]] });
    const tags = async () =>
      (await odoo.read<{ id: number; category_id: number[] }>('res.partner', [partner], ['category_id']))[0]!
        .category_id;
    expect(await tags()).toEqual([preferred, expired]);
    await odoo.write('res.partner', [partner], { category_id: [[3, expired, 0]] });
    expect(await tags()).toEqual([preferred]);
    expect(
      (
        await odoo.searchRead(
          'res.partner.category',
          [['name', '=', 'Compliance: expired']],
          ['name', 'color'],
        )
      ).map((r) => [r.id, r.color]),
    ).toEqual([[expired, 1]]);
    for (const bad of [[[4, 999_999, 0]], [[0, 0, { name: 'x' }]]]) {
      const error = await odoo.write('res.partner', [partner], { category_id: bad }).catch((e: unknown) => e);
      expect(isOdooError(error)).toBe(true);
    }
    const noName = await odoo.create('res.partner.category', { color: 2 }).catch((e: unknown) => e);
    expect(isOdooError(noName)).toBe(true);
  });

  it('attachments: checksum is the SHA-1 of the content, size and mimetype computed, found by res_model/res_id/checksum', async () => {
    const { sim, odoo } = await clientFor(version);
    const partner = sim.demo!.partners.keystone!;
    const bytes = Buffer.from('%PDF-1.4\n% invoice\n%%EOF\n');
    const id = await odoo.create('ir.attachment', {
      name: 'INV-1.pdf',
      datas: bytes.toString('base64'),
      res_model: 'res.partner',
      res_id: partner,
    });
    const [row] = await odoo.read('ir.attachment', [id], ['checksum', 'file_size', 'mimetype', 'datas']);
    expect([row!.checksum, row!.file_size, row!.mimetype, row!.datas]).toEqual([
      createHash('sha1').update(bytes).digest('hex'),
      bytes.length,
      'application/pdf',
      bytes.toString('base64'),
    ]);
    expect(
      await odoo.search('ir.attachment', [
        ['res_model', '=', 'res.partner'],
        ['res_id', '=', partner],
        ['checksum', '=', createHash('sha1').update(bytes).digest('hex')],
      ]),
    ).toEqual([id]);
    const badBase64 = await odoo
      .create('ir.attachment', { name: 'x', datas: 'abc' })
      .catch((e: unknown) => e);
    expect(isOdooError(badBase64)).toBe(true);
    const missingRecord = await odoo
      .create('ir.attachment', { name: 'x', datas: '', res_model: 'account.move', res_id: 999_999 })
      .catch((e: unknown) => e);
    expect(isOdooError(missingRecord)).toBe(true);
  });
});
