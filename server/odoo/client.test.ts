import { afterEach, describe, expect, it } from 'vitest';
import { startOdooSim, type OdooSim } from '@/tools/odoo-sim/server';
import type { OdooVersion } from '@/tools/odoo-sim/schema';
import { createOdooClient, type OdooClientConfig } from './client';
import { classifyOdooFailure, OdooError, redactSecrets } from './errors';
import { analyticDistribution, fieldNames } from './field-names';

const sims: OdooSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.stop()));
});

async function sim(version: OdooVersion = 19, latencyMs = 0): Promise<OdooSim> {
  const started = await startOdooSim({
    version,
    db: 'plumbline',
    login: 'admin',
    password: 'admin-pw',
    apiKey: `key-${version}-${Math.random()}`,
    latencyMs,
  });
  sims.push(started);
  return started;
}

/** A client plus the paths it requested, so tests can see which transport was used. */
function clientFor(target: OdooSim, overrides: Partial<OdooClientConfig> = {}) {
  const paths: string[] = [];
  const client = createOdooClient({
    url: target.url,
    db: target.db,
    login: target.login,
    apiKey: target.apiKey,
    retryBaseDelayMs: 1,
    fetchImpl: (input, init) => {
      paths.push(new URL(input).pathname);
      return fetch(input, init);
    },
    ...overrides,
  });
  return { client, paths };
}

async function rejection(promise: Promise<unknown>): Promise<OdooError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OdooError);
  return error as OdooError;
}

const bill = (partnerId: number, ref: string) => ({
  move_type: 'in_invoice',
  partner_id: partnerId,
  ref,
  invoice_date: '2026-03-31',
  invoice_line_ids: [[0, 0, { name: 'Works to date', quantity: 1, price_unit: 1000 }]],
});

describe('transport selection', () => {
  it('uses JSON-2 on 19 with an API key', async () => {
    const odoo = await sim(19);
    const { client, paths } = clientFor(odoo);
    expect(await client.transport()).toBe('json2');
    expect(await client.searchCount('res.partner', [])).toBeGreaterThan(5);
    expect(paths).toEqual(['/jsonrpc', '/json/2/res.partner/search_count']);
  });

  it('falls back to JSON-RPC on 19 with a password only, and on 18 even with a key', async () => {
    const v19 = await sim(19);
    const byPassword = clientFor(v19, { apiKey: undefined, password: v19.password });
    expect(await byPassword.client.transport()).toBe('jsonrpc');
    const v18 = await sim(18);
    const { client, paths } = clientFor(v18);
    expect(await client.transport()).toBe('jsonrpc');
    await client.searchCount('res.partner', []);
    expect(paths).toEqual(['/jsonrpc', '/jsonrpc', '/jsonrpc']); // version, authenticate, call
  });

  it('refuses a forced JSON-2 on an older server as a configuration error', async () => {
    const { client } = clientFor(await sim(17), { transport: 'json2' });
    expect((await rejection(client.version())).kind).toBe('configuration');
  });

  it('treats authenticate answering false as a configuration error', async () => {
    const odoo = await sim(18);
    const { client } = clientFor(odoo, { apiKey: 'not-the-key' });
    const error = await rejection(client.searchCount('res.partner', []));
    expect(error.kind).toBe('configuration');
    expect(error.odooName).toBe('odoo.exceptions.AccessDenied');
  });
});

describe.each([16, 17, 18, 19] as const)('Odoo %i', (version) => {
  it('reads the project analytic account under the version field name', async () => {
    const odoo = await sim(version);
    const { client } = clientFor(odoo);
    const names = await client.fieldNames();
    expect(names).toEqual(fieldNames(version));
    expect(names.projectAnalyticAccount).toBe(version >= 18 ? 'account_id' : 'analytic_account_id');
    const [project] = await client.searchRead(
      'project.project',
      [['name', '=', 'Harbour View Apartments']],
      ['name', names.projectAnalyticAccount],
    );
    expect(project?.[names.projectAnalyticAccount]).toEqual([
      expect.any(Number),
      expect.stringContaining('P-1001'),
    ]);
    const other = version >= 18 ? 'analytic_account_id' : 'account_id';
    expect((await rejection(client.searchRead('project.project', [], [other]))).odooName).toBe(
      'builtins.ValueError',
    );
  });

  it('creates a project with its analytic account and posts a note (int or list answer)', async () => {
    const odoo = await sim(version);
    const { client } = clientFor(odoo);
    const names = await client.fieldNames();
    const projectId = await client.create('project.project', { name: `Depot ${version}` });
    const [project] = await client.read('project.project', [projectId], [names.projectAnalyticAccount]);
    expect(project?.[names.projectAnalyticAccount]).not.toBe(false);
    const messageId = await client.messagePost('project.project', projectId, { body: 'Approved by QS' });
    const [message] = await client.read('mail.message', [messageId], ['body', 'res_id']);
    expect(message).toMatchObject({ body: '<p>Approved by QS</p>', res_id: projectId });
  });

  it('books a multi-plan distribution as analytic lines on post', async () => {
    const odoo = await sim(version);
    const { client } = clientFor(odoo);
    const projectAccount = odoo.demo?.projects['P-1003']?.analyticAccountId ?? 0;
    const costCode = odoo.demo?.costCodes['07-500'] ?? 0;
    const vendor = odoo.demo?.partners.summit ?? 0;
    const moveId = await client.create('account.move', {
      ...bill(vendor, `SUM-${version}`),
      invoice_line_ids: [
        [
          0,
          0,
          {
            name: 'Roof sheets',
            quantity: 2,
            price_unit: 1500,
            analytic_distribution: analyticDistribution(version, projectAccount, costCode),
          },
        ],
      ],
    });
    await client.action('account.move', 'action_post', [moveId]);
    const lines = await client.searchRead(
      'account.analytic.line',
      [['move_line_id.move_id', '=', moveId]],
      ['amount', 'account_id'],
    );
    // 17+: one line carrying both plans; 16: one line per plan key.
    expect(lines.map((line) => line.amount)).toEqual(version >= 17 ? [-3000] : [-3000, -3000]);
    expect(
      lines.some((line) => Array.isArray(line.account_id) && line.account_id[0] === projectAccount),
    ).toBe(true);
  });
});

describe.each([
  ['19 with a password', 19, 'password'],
  ['18 with an API key', 18, 'apiKey'],
  ['16 with an API key', 16, 'apiKey'],
] as const)('every call the sync makes works over JSON-RPC: Odoo %s', (_label, version, secret) => {
  // Issue 14: on JSON-RPC `create` sent vals_list as a keyword and a real Odoo answered IndexError.
  it('creates, reads, writes, posts, cancels, notes and unlinks; Odoo holds the result', async () => {
    const odoo = await sim(version);
    const { client } = clientFor(
      odoo,
      secret === 'password' ? { apiKey: undefined, password: odoo.password } : {},
    );
    expect(await client.transport()).toBe('jsonrpc');
    const partner = odoo.demo?.partners.oakfield ?? 0;
    const moveId = await client.create('account.move', bill(partner, `RPC-${version}`));
    const [a, b] = await client.createMany('res.partner', [
      { name: `Batch A ${version}` },
      { name: `Batch B ${version}` },
    ]);
    expect(odoo.state.read('res.partner', [a ?? 0, b ?? 0], ['name']).map((r) => r.name)).toEqual([
      `Batch A ${version}`,
      `Batch B ${version}`,
    ]);
    expect(await client.write('res.partner', [a ?? 0], { name: `Renamed ${version}` })).toBe(true);
    expect(odoo.state.read('res.partner', [a ?? 0], ['name'])[0]?.name).toBe(`Renamed ${version}`);
    expect(
      await client.searchRead('res.partner', [['id', '=', b ?? 0]], ['name'], { limit: 1 }),
    ).toHaveLength(1);
    expect(await client.searchCount('account.move', [['ref', '=', `RPC-${version}`]])).toBe(1);
    expect(await client.read('account.move', [moveId], ['state'])).toMatchObject([{ state: 'draft' }]);
    await client.action('account.move', 'action_post', [moveId]);
    expect(odoo.state.read('account.move', [moveId], ['state'])[0]?.state).toBe('posted');
    const messageId = await client.messagePost('account.move', moveId, { body: 'Approved in Plumbline' });
    expect(odoo.state.read('mail.message', [messageId], ['res_id'])[0]?.res_id).toBe(moveId);
    await client.action('account.move', 'button_draft', [moveId]);
    await client.action('account.move', 'button_cancel', [moveId]);
    expect(odoo.state.read('account.move', [moveId], ['state'])[0]?.state).toBe('cancel');
    expect(await client.unlink('res.partner', [b ?? 0])).toBe(true);
    expect(odoo.state.search('res.partner', [['id', '=', b ?? 0]])).toEqual([]);
  });
});

describe.each([
  [16, 'jsonrpc'],
  [17, 'jsonrpc'],
  [18, 'jsonrpc'],
  [19, 'jsonrpc'],
  [19, 'json2'],
] as const)('access questions on Odoo %i over %s', (version, transport) => {
  it('answers from the same ACL the calls obey, without raising; a denied right is refused by the call too', async () => {
    const odoo = await sim(version);
    const admin = clientFor(odoo, transport === 'jsonrpc' ? { transport } : {}).client;
    const demo = clientFor(odoo, {
      apiKey: odoo.users.demo.apiKey,
      login: 'demo',
      ...(transport === 'jsonrpc' ? { transport } : {}),
    }).client;
    expect(await admin.hasAccess('account.analytic.plan', 'read')).toBe(true);
    expect(await demo.hasAccess('account.account', 'create')).toBe(false);
    expect(await demo.hasAccess('account.account', 'read')).toBe(true);
    odoo.state.deniedAccess.add('account.analytic.plan:read');
    expect(await admin.hasAccess('account.analytic.plan', 'read')).toBe(false);
    expect(await rejection(admin.searchRead('account.analytic.plan', [], ['name']))).toMatchObject({
      odooName: 'odoo.exceptions.AccessError',
      kind: 'configuration',
    });
  });
});

describe('error classes against simulator faults', () => {
  it('503 from the proxy is transient; reads are retried, writes are not', async () => {
    const odoo = await sim();
    const { client } = clientFor(odoo, { readRetries: 2 });
    await client.version();
    const readFault = odoo.faults.add({ model: 'res.partner', method: 'search_read', kind: 'http503' });
    const error = await rejection(client.searchRead('res.partner', [], ['name']));
    expect(error).toMatchObject({ kind: 'transient', httpStatus: 503 });
    expect(readFault.hits).toBe(3);
    odoo.faults.clear();

    odoo.faults.add({ model: 'res.partner', method: 'search_read', kind: 'http503', times: 1 });
    expect((await client.searchRead('res.partner', [], ['name'], { limit: 1 })).length).toBe(1);

    const writeFault = odoo.faults.add({ model: 'res.partner', method: 'create', kind: 'http503' });
    expect((await rejection(client.create('res.partner', { name: 'Never twice' }))).kind).toBe('transient');
    expect(writeFault.hits).toBe(1);
  });

  it.each(['json2', 'jsonrpc'] as const)(
    'a dropped connection after commit is ambiguous and the record exists (%s)',
    async (transport) => {
      const odoo = await sim();
      const { client } = clientFor(odoo, { transport });
      await client.version();
      const fault = odoo.faults.add({
        model: 'res.partner',
        method: 'create',
        kind: 'drop_after_commit',
        times: 1,
      });
      const error = await rejection(client.create('res.partner', { name: `Dropped ${transport}` }));
      expect(error.kind).toBe('ambiguous');
      expect(fault.hits).toBe(1);
      expect(odoo.state.search('res.partner', [['name', '=', `Dropped ${transport}`]])).toHaveLength(1);
    },
  );

  it('a timeout on a write is ambiguous', async () => {
    const odoo = await sim();
    const { client } = clientFor(odoo, { timeoutMs: 150 });
    await client.version();
    odoo.faults.add({ model: 'res.partner', method: 'write', kind: 'delay', delayMs: 400, times: 1 });
    const error = await rejection(client.write('res.partner', [1], { phone: '0161 000 0000' }));
    expect(error).toMatchObject({ kind: 'ambiguous', odooName: 'plumbline.Timeout' });
  });

  it('a refused connection is transient', async () => {
    const odoo = await sim();
    const url = odoo.url;
    await odoo.stop();
    sims.splice(sims.indexOf(odoo), 1);
    const { client } = clientFor(odoo, { url, readRetries: 0 });
    expect((await rejection(client.version())).kind).toBe('transient');
  });

  it.each([
    ['json2', 401, 'werkzeug.exceptions.Unauthorized'],
    ['jsonrpc', undefined, 'odoo.exceptions.AccessDenied'],
  ] as const)('an expired key is a configuration error (%s)', async (transport, status, name) => {
    const odoo = await sim();
    const { client } = clientFor(odoo, { transport });
    await client.version();
    odoo.faults.add({ kind: 'expired_key' });
    const error = await rejection(client.searchCount('res.partner', []));
    expect(error).toMatchObject({ kind: 'configuration', odooName: name, httpStatus: status });
    expect(JSON.stringify(error.toJSON())).not.toContain(odoo.apiKey);
  });

  it.each(['json2', 'jsonrpc'] as const)('UserError on a second post is business (%s)', async (transport) => {
    const odoo = await sim();
    const { client } = clientFor(odoo, { transport });
    const moveId = await client.create(
      'account.move',
      bill(odoo.demo?.partners.oakfield ?? 0, `OAK-${transport}`),
    );
    expect(await client.action('account.move', 'action_post', [moveId])).toBe(false);
    const error = await rejection(client.action('account.move', 'action_post', [moveId]));
    expect(error).toMatchObject({
      kind: 'business',
      odooName: 'odoo.exceptions.UserError',
      httpStatus: transport === 'json2' ? 422 : undefined,
    });
    const [move] = await client.read('account.move', [moveId], ['name', 'state']);
    expect(move).toMatchObject({ state: 'posted', name: 'BILL/2026/03/0001' });
  });

  it.each(['json2', 'jsonrpc'] as const)('a serialization failure is transient (%s)', async (transport) => {
    const odoo = await sim();
    const { client } = clientFor(odoo, { transport });
    await client.version();
    odoo.faults.add({ model: 'res.partner', method: 'create', kind: 'serialization', times: 1 });
    const error = await rejection(client.create('res.partner', { name: 'Contended' }));
    expect(error).toMatchObject({
      kind: 'transient',
      odooName: 'psycopg2.errors.SerializationFailure',
      httpStatus: transport === 'json2' ? 500 : undefined,
    });
    expect(odoo.state.search('res.partner', [['name', '=', 'Contended']])).toHaveLength(0);
  });

  it('classifies what Odoo itself refuses', async () => {
    const odoo = await sim();
    const { client } = clientFor(odoo);
    expect((await rejection(client.searchCount('x_plumbline.missing', []))).kind).toBe('configuration');
    expect((await rejection(client.call('res.partner', 'no_such_method', { ids: [1] }))).kind).toBe(
      'programming',
    );
    expect((await rejection(client.write('res.partner', [999_999], { name: 'ghost' }))).odooName).toBe(
      'odoo.exceptions.MissingError',
    );
    expect((await rejection(client.create('res.partner', { name: 'x', no_such_field: 1 }))).kind).toBe(
      'business',
    );
    const restricted = clientFor(odoo, { apiKey: odoo.users.demo.apiKey, login: 'demo' }).client;
    const acl = await rejection(
      restricted.create('account.account', { name: 'x', code: '999', account_type: 'expense' }),
    );
    expect(acl).toMatchObject({
      kind: 'configuration',
      odooName: 'odoo.exceptions.AccessError',
      httpStatus: 403,
    });
    const wrongDb = clientFor(odoo, { db: 'nosuchdb' }).client;
    expect((await rejection(wrongDb.searchCount('res.partner', []))).kind).toBe('configuration');
  });
});

describe('batching and concurrency', () => {
  it('createMany sends 450 records as three create calls', async () => {
    const odoo = await sim();
    const { client } = clientFor(odoo);
    const account = odoo.demo?.projects['P-1001']?.analyticAccountId ?? 0;
    const vals = Array.from({ length: 450 }, (_, i) => ({
      name: `Cost ${i}`,
      amount: -10 - i,
      account_id: account,
      date: '2026-03-01',
    }));
    const ids = await client.createMany('account.analytic.line', vals);
    expect(odoo.callCount('account.analytic.line', 'create')).toBe(3);
    expect(new Set(ids).size).toBe(450);
    expect(odoo.state.search('account.analytic.line', [['name', '=like', 'Cost %']])).toHaveLength(450);
  });

  it('a failed chunk reports what was already created', async () => {
    const odoo = await sim();
    const { client } = clientFor(odoo, { transport: 'jsonrpc' });
    const vals = Array.from({ length: 5 }, (_, i) => ({
      name: `Batch ${i}`,
      ...(i === 3 ? { no_such_field: 1 } : {}),
    }));
    const error = await rejection(client.createMany('res.partner', vals, { chunkSize: 2 }));
    expect(error.kind).toBe('business');
    expect(error.details?.createdIds).toHaveLength(2);
    // The failing chunk was one transaction: neither of its records exists.
    expect(odoo.state.search('res.partner', [['name', '=like', 'Batch %']])).toHaveLength(2);
  });

  it('never has more than maxInFlight calls at Odoo, shared by clients of one database', async () => {
    const odoo = await sim(19, 25);
    const first = clientFor(odoo, { maxInFlight: 2 }).client;
    const second = clientFor(odoo, { maxInFlight: 2 }).client;
    await Promise.all([first.version(), second.version()]);
    odoo.stats.reset();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? first : second).searchCount('res.partner', [])),
    );
    expect(odoo.stats.peakInFlight).toBe(2);
    expect(odoo.callCount('res.partner', 'search_count')).toBe(12);
  });

  it('pages reads and knows who it is', async () => {
    const odoo = await sim();
    const { client } = clientFor(odoo);
    await client.createMany(
      'res.partner',
      Array.from({ length: 23 }, (_, i) => ({ name: `Paged ${i}` })),
    );
    const rows = await client.searchReadAll('res.partner', [['name', '=like', 'Paged %']], ['name'], {
      pageSize: 10,
    });
    expect(rows).toHaveLength(23);
    const ids = rows.map((row) => row.id);
    expect(await client.read('res.partner', ids, ['name'], { pageSize: 7 })).toHaveLength(23);
    expect(await client.whoAmI()).toEqual({
      uid: 2,
      name: 'Mitchell Admin',
      login: 'admin',
      company: { id: 1, name: 'Northbeam Construction Ltd', currency: 'GBP' },
    });
    const rpc = clientFor(odoo, { transport: 'jsonrpc' }).client;
    expect((await rpc.whoAmI()).uid).toBe(2);
  });
});

describe('classification and redaction rules', () => {
  it.each([
    [{ httpStatus: 502 }, 'transient'],
    [{ httpStatus: 504 }, 'transient'],
    [{ httpStatus: 429 }, 'transient'],
    [{ httpStatus: 409, odooName: 'odoo.exceptions.LockError' }, 'transient'],
    [{ httpStatus: 500, odooName: 'odoo.exceptions.ConcurrencyError' }, 'transient'],
    [{ odooName: 'psycopg2.errors.DeadlockDetected' }, 'transient'],
    [{ httpStatus: 500, odooName: 'odoo.exceptions.RedirectWarning' }, 'business'],
    [{ odooName: 'odoo.exceptions.ValidationError' }, 'business'],
    [
      {
        odooName: 'odoo.exceptions.AccessError',
        message: 'Due to security restrictions, you are not allowed to access',
      },
      'business',
    ],
    [
      {
        odooName: 'odoo.exceptions.AccessError',
        message: "Private methods (such as 'account.move._post') cannot be called remotely.",
      },
      'configuration',
    ],
    [
      { odooName: 'odoo.exceptions.UserError', message: "Object x_no.such_model doesn't exist" },
      'configuration',
    ],
    [
      { odooName: 'psycopg2.OperationalError', message: 'FATAL:  database "nosuchdb" does not exist' },
      'configuration',
    ],
    [{ httpStatus: 404 }, 'configuration'],
    [{ odooName: 'builtins.IndexError', message: 'list index out of range' }, 'programming'],
    [
      { odooName: 'builtins.TypeError', message: "create() got an unexpected keyword argument 'x'" },
      'programming',
    ],
    [{ odooName: 'builtins.KeyError', message: 'exp_nope' }, 'programming'],
    [
      { odooName: 'builtins.AttributeError', message: "The method 'res.partner.x' does not exist" },
      'programming',
    ],
    [
      {
        httpStatus: 404,
        odooName: 'werkzeug.exceptions.NotFound',
        message: "The method 'res.partner.x' does not exist",
      },
      'programming',
    ],
    [
      {
        httpStatus: 404,
        odooName: 'werkzeug.exceptions.NotFound',
        message: "the model 'x_no.such' does not exist",
      },
      'configuration',
    ],
    [
      {
        httpStatus: 422,
        odooName: 'werkzeug.exceptions.UnprocessableEntity',
        message: "missing a required argument: 'domain'",
      },
      'programming',
    ],
  ] as const)('%j → %s', (input, kind) => {
    expect(classifyOdooFailure(input)).toBe(kind);
  });

  it('redacts keys, passwords and bearer tokens', () => {
    const text =
      'auth failed for key abcd1234secret with header Authorization: bearer zzz999 and password hunter22';
    const out = redactSecrets(text, ['abcd1234secret', 'hunter22', undefined]);
    expect(out).not.toMatch(/abcd1234secret|hunter22|zzz999/);
    expect(out).toContain('[redacted]');
  });
});
