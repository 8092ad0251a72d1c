import { expect, test, type Browser, type Page } from '@playwright/test';
import { ALERT, demo, odooForTests, signIn } from './fixtures';

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

/** Opens a P-1001 milestone from the project's Billing tab, by name. */
async function openMilestone(page: Page, name: string): Promise<string> {
  await page.getByRole('link', { name: 'Projects' }).click();
  await page.getByTestId('data-table').getByRole('link', { name: 'P-1001' }).click();
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Billing' }).click();
  await page.getByLabel('Search').fill(name);
  const row = page.getByTestId('data-table').getByRole('row', { name: new RegExp(name) });
  await expect(row).toHaveCount(1);
  await row.getByRole('link', { name: /P-1001-MS-\d{3}/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  return (await page.getByRole('heading', { level: 1 }).textContent())!.match(/P-1001-MS-\d{3}/)![0];
}

test('PM claims completion → QS verifies → finance releases: Odoo has the milestone reached and one posted invoice with the retention line', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const pm = await as(browser, demo.pm);
  const reference = await openMilestone(pm, 'Frame complete');
  await pm.getByLabel(/Comment/).fill('Frame signed off by the engineer');
  await pm.getByRole('button', { name: 'Claim completion' }).click();
  await expect(pm.getByText('Completion claimed', { exact: true }).first()).toBeVisible();
  await expect(pm.getByRole('button', { name: 'Verify completion' })).toHaveCount(0);

  const qs = await as(browser, demo.qs);
  await qs.getByRole('link', { name: 'My approvals' }).click();
  await qs
    .getByTestId('inbox-list')
    .getByRole('link', { name: new RegExp(`${reference} · Frame complete`) })
    .click();
  await qs.getByRole('button', { name: 'Verify completion' }).click();
  await expect(qs.getByTestId('milestone-timeline')).toContainText('Verified');

  const finance = await as(browser, demo.finance);
  await finance.getByRole('link', { name: 'My approvals' }).click();
  await finance
    .getByTestId('inbox-list')
    .getByRole('link', { name: new RegExp(`${reference} · Frame complete`) })
    .click();
  await finance.getByRole('button', { name: 'Release for invoicing' }).click();
  await expect(finance.locator(ALERT)).toHaveCount(0);
  await expect(finance.getByTestId('milestone-timeline')).toContainText('Released by finance');

  // the worker makes Odoo match: project.milestone reached, one posted out_invoice with the reference
  const odoo = await odooForTests();
  await expect
    .poll(
      async () =>
        (
          await odoo.searchRead(
            'account.move',
            [
              ['move_type', '=', 'out_invoice'],
              ['ref', '=', reference],
              ['state', '=', 'posted'],
            ],
            ['id'],
          )
        ).length,
      { timeout: 30_000 },
    )
    .toBe(1);
  const [invoice] = await odoo.searchRead<{ id: number; amount_total: number; invoice_line_ids: number[] }>(
    'account.move',
    [['ref', '=', reference]],
    ['amount_total', 'invoice_line_ids'],
  );
  const lines = await odoo.read<{
    id: number;
    name: string;
    price_unit: number;
    price_subtotal: number;
    account_id: [number, string];
    sale_line_ids: number[];
  }>('account.move.line', invoice!.invoice_line_ids, [
    'name',
    'price_unit',
    'price_subtotal',
    'account_id',
    'sale_line_ids',
  ]);
  const milestoneLine = lines.find((l) => l.name.endsWith('Frame complete'))!;
  const retentionLine = lines.find((l) => l.name.endsWith('Retention'))!;
  expect(milestoneLine.sale_line_ids).toHaveLength(1);
  // in cents, so the check itself does no float money: the milestone is its share of the contract line
  // (quantity × the line's price, issue 14) plus any rounding line; retention is 5 % of it on P-1001
  const cents = (value: number) => Math.round(value * 100);
  const milestoneCents = lines
    .filter((l) => l !== retentionLine)
    .reduce((sum, l) => sum + cents(l.price_subtotal), 0);
  expect(cents(retentionLine.price_unit)).toBe(-Math.round(milestoneCents * 0.05));
  expect(cents(invoice!.amount_total)).toBe(milestoneCents + cents(retentionLine.price_unit));
  expect(retentionLine.account_id[1]).toMatch(/Retention receivable/);
  const [reached] = await odoo.searchRead<{ id: number; is_reached: boolean }>(
    'project.milestone',
    [['name', '=', 'Frame complete']],
    ['is_reached'],
  );
  expect(reached!.is_reached).toBe(true);

  await finance.reload();
  await expect(finance.getByText('Invoiced', { exact: true }).first()).toBeVisible({ timeout: 15_000 });
  await expect(finance.getByTestId('milestone-invoice')).toContainText('INV/');
  await finance.getByRole('tab', { name: 'Sync' }).click();
  await expect(finance.getByTestId('sync-status')).toContainText(/synced/i, { timeout: 30_000 });
});

test('a rejected completion claim returns the milestone to planned with the reason', async ({ browser }) => {
  const pm = await as(browser, demo.pm);
  await openMilestone(pm, 'Envelope watertight');
  await pm.getByRole('button', { name: 'Claim completion' }).click();
  await expect(pm.getByText('Completion claimed', { exact: true }).first()).toBeVisible();
  const url = pm.url();

  const qs = await as(browser, demo.qs);
  await qs.goto(url);
  await qs.getByRole('button', { name: 'Reject' }).click();
  await expect(qs.locator(ALERT)).toContainText(/reason/i);
  await qs.getByLabel(/Comment/).fill('No photos of the sealed façade');
  await qs.getByRole('button', { name: 'Reject' }).click();
  await expect(qs.getByText('Rejected: No photos of the sealed façade')).toBeVisible();
  await expect(qs.getByTestId('milestone-timeline')).toContainText('No photos of the sealed façade');

  await pm.reload();
  await expect(pm.getByText('Planned', { exact: true }).first()).toBeVisible();
  await expect(pm.getByText('Rejected: No photos of the sealed façade')).toBeVisible();
  await expect(pm.getByRole('button', { name: 'Claim completion' })).toBeVisible();
});

test('a release above the revised contract value is refused with that reason', async ({ browser }) => {
  const pm = await as(browser, demo.pm);
  await pm.getByRole('link', { name: 'Projects' }).click();
  await pm.getByTestId('data-table').getByRole('link', { name: 'P-1001' }).click();
  await pm.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Billing' }).click();
  await pm.getByRole('link', { name: 'New milestone' }).click();
  const form = pm.getByRole('form', { name: 'Milestone' });
  await form.getByLabel('Name').fill('Variation works beyond the contract');
  await form.getByLabel('Planned date').fill('2026-12-31');
  await form.getByLabel('Amount basis').selectOption('fixed');
  await form.getByLabel('Amount', { exact: true }).fill('5000000.00');
  await form.getByRole('button', { name: 'Create milestone' }).click();
  await expect(pm.getByRole('heading', { level: 1 })).toContainText('Variation works beyond the contract');
  await pm.getByRole('button', { name: 'Claim completion' }).click();
  await expect(pm.getByText('Completion claimed', { exact: true }).first()).toBeVisible();
  const url = pm.url();

  const qs = await as(browser, demo.qs);
  await qs.goto(url);
  await qs.getByRole('button', { name: 'Verify completion' }).click();
  await expect(qs.getByText('Verified', { exact: true }).first()).toBeVisible();

  const finance = await as(browser, demo.finance);
  await finance.goto(url);
  await finance.getByRole('button', { name: 'Release for invoicing' }).click();
  await expect(finance.locator(ALERT)).toContainText(
    'Billing would exceed the revised contract value: 5000000.00 to release',
  );
  await expect(finance.getByTestId('milestone-timeline')).toContainText('Release refused');
  await expect(finance.getByText('Verified', { exact: true }).first()).toBeVisible();
});
