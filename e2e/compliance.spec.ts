import { expect, test } from '@playwright/test';
import { demo, e2eQuery, odooForTests, signIn } from './fixtures';

/**
 * Issue 19, compliance: a vendor whose insurance expired yesterday (the organisation's today) gets no
 * new commitment change order — the form shows the reason — and the worker's compliance evaluation
 * puts the partner tag "Compliance: expired" on its Odoo partner (the simulator), once.
 */
test('compliance: an expired insurance blocks a new commitment CO and shows in the Odoo partner tags', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const [sc] = await e2eQuery<{
    id: string;
    reference: string;
    vendor_id: string;
    odoo_id: number;
    insurance: string | null;
    code_label: string;
  }>(
    `SELECT s.id, s.reference, p.id AS vendor_id, p.odoo_id, p.insurance_expires_on::text AS insurance,
            c.code || ' ' || c.name AS code_label
       FROM subcontracts s JOIN partners p ON p.id = s.vendor_id JOIN projects pr ON pr.id = s.project_id
       JOIN sov_lines l ON l.subcontract_id = s.id JOIN cost_codes c ON c.id = l.cost_code_id
      WHERE pr.code = 'P-1001' AND p.odoo_id IS NOT NULL
      ORDER BY s.reference, l.line_no LIMIT 1`,
  );
  expect(sc, 'the demo has a P-1001 subcontract of a vendor linked to Odoo').toBeTruthy();
  // fixture data, as the database owner would write it in a data migration (guards off)
  const setInsurance = (expr: string) =>
    e2eQuery(
      `SET session_replication_role = replica; UPDATE partners SET insurance_expires_on = ${expr} WHERE id = '${sc!.vendor_id}'; RESET session_replication_role`,
    );
  await setInsurance('org_today(organisation_id) - 1');
  try {
    const pm = await (await browser.newContext()).newPage();
    await signIn(pm, demo.pm);
    await pm.getByRole('link', { name: 'Projects' }).click();
    await pm.getByTestId('data-table').getByRole('link', { name: 'P-1001' }).click();
    await pm
      .getByRole('navigation', { name: 'Project' })
      .getByRole('link', { name: 'Change orders' })
      .click();
    await pm.getByRole('link', { name: 'New change order' }).click();
    const form = pm.getByRole('form', { name: 'Change order' });
    await form.getByLabel('Kind').selectOption('commitment');
    await form.getByLabel('Title').fill(`Extra works for an expired vendor ${Date.now()}`);
    await form.getByLabel('Subcontract').selectOption(sc!.id);
    await form.getByLabel('Line 1 cost code').selectOption({ label: sc!.code_label });
    await form.getByLabel('Line 1 description').fill('Additional works');
    await form.getByLabel('Line 1 quantity').fill('1');
    await form.getByLabel('Line 1 unit', { exact: true }).fill('item');
    await form.getByLabel('Line 1 unit cost').fill('1000.00');
    await form.getByRole('button', { name: 'Create draft' }).click();
    await expect(pm.getByText(/insurance expired on \d{4}-\d{2}-\d{2}/).first()).toBeVisible();
    const created = await e2eQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM change_orders WHERE subcontract_id = $1 AND title LIKE 'Extra works for an expired vendor%'`,
      [sc!.id],
    );
    expect(created[0]!.n).toBe(0);

    // the hourly evaluation, run now: the vendor's state disagrees with its partner's tags
    await e2eQuery(`SELECT graphile_worker.add_job('vendor_compliance_evaluate', '{}'::json)`);
    const odoo = await odooForTests();
    const tagged = async () => {
      const [tag] = await odoo.search('res.partner.category', [['name', '=', 'Compliance: expired']]);
      if (tag === undefined) return false;
      const [partner] = await odoo.read<{ id: number; category_id: number[] }>(
        'res.partner',
        [sc!.odoo_id],
        ['category_id'],
      );
      return partner!.category_id.filter((id) => id === tag).length === 1;
    };
    await expect.poll(tagged, { timeout: 60_000 }).toBe(true);
    expect(await odoo.search('res.partner.category', [['name', '=', 'Compliance: expired']])).toHaveLength(1);
  } finally {
    await setInsurance(sc!.insurance ? `'${sc!.insurance}'` : 'NULL');
  }
});
