import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import pg from 'pg';
import { extractPdfText } from '@/server/modules/claims/pdf-text';
import { ALERT, demo, e2eDatabaseUrl, odooForTests, signIn } from './fixtures';

type Bill = { id: number; state: string; amount_total: number; invoice_line_ids: number[]; ref: string };
type BillLine = {
  price_unit: number;
  purchase_line_id: [number, string] | false;
  account_id: [number, string] | false;
};

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The subcontract of the simulator's purchase order with this partner_ref, as the start-up pull
 * mirrored it (reference = PO name, title starts with the partner_ref).
 */
async function subcontractFor(partnerRef: string) {
  const rows = await query<{ id: string; reference: string; vendor_id: string; vendor_name: string }>(
    `SELECT s.id, s.reference, s.vendor_id, p.name AS vendor_name FROM subcontracts s JOIN partners p ON p.id = s.vendor_id
     WHERE s.title LIKE $1 AND s.odoo_purchase_order_id IS NOT NULL AND p.odoo_id IS NOT NULL`,
    [`${partnerRef}%`],
  );
  expect(rows, `the start-up pull should have mirrored ${partnerRef}`).toHaveLength(1);
  return rows[0]!;
}

async function newPage(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signIn(page, email);
  return page;
}

/** QS raises a claim on P-1001, enters the claimed figures and submits it; returns the claim page URL. */
async function raiseClaim(
  page: Page,
  sc: { reference: string; vendor_name: string },
  periodEnd: string,
  claimed: string[],
  claimedTotal: string,
) {
  await page.getByRole('link', { name: 'Projects' }).click();
  await page.getByTestId('data-table').getByRole('link', { name: 'P-1001' }).click();
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Claims' }).click();
  await page.getByRole('link', { name: 'New claim' }).click();
  const form = page.getByRole('form', { name: 'New claim' });
  await form.getByLabel('Subcontract').selectOption({ label: `${sc.reference} · ${sc.vendor_name}` });
  await form.getByLabel('Period end').fill(periodEnd);
  await form.getByRole('button', { name: 'Create claim' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`CLM-${sc.reference}-`);
  for (const [i, amount] of claimed.entries())
    await page.getByLabel(`Line ${i + 1} claimed to date`).fill(amount);
  // the totals follow the typing before anything is saved
  await expect(page.getByTestId('claim-grid-totals')).toContainText(claimedTotal);
  await page.getByRole('button', { name: 'Save claim' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Claim saved.' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit for certification' }).click();
  await expect(page.getByText('submitted', { exact: true }).first()).toBeVisible();
  return page.url();
}

test('QS certifies below the claim with reasons, PM approves, a draft bill appears, finance releases and the bill is posted; the certificate PDF matches', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const sc = await subcontractFor('SC-1001-03');
  const qs = await newPage(browser, demo.qs);
  const url = await raiseClaim(qs, sc, '2026-03-31', ['30000.00', '20000.00'], 'GBP 50,000.00');
  const reference = (await qs.getByRole('heading', { level: 1 }).textContent())!.match(
    /CLM-[\w-]+-\d{3}/,
  )![0];

  // certify line 1 below the claim: the grid recalculates as the QS types, before anything is saved
  await expect(qs.getByTestId('live-due')).toHaveText('GBP 47,500.00');
  await qs.getByLabel('Line 1 certified to date').fill('25000.00');
  await expect(qs.getByTestId('line-1-cut')).toHaveText('−GBP 5,000.00 vs claimed');
  await expect(qs.getByTestId('line-1-this-period')).toHaveText('GBP 25,000.00');
  await expect(qs.getByTestId('grid-total-certified')).toHaveText('GBP 45,000.00');
  await expect(qs.getByTestId('live-due')).toHaveText('GBP 42,750.00');
  // the missing reason is flagged on line 1 itself, linked to its field
  const reason = qs.getByLabel('Line 1 reason');
  await expect(qs.locator('#claim-line-1-error')).toHaveText(
    'Line 1: Reason required: certified differs from claimed.',
  );
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(reason).toHaveAttribute('aria-describedby', 'claim-line-1-error');
  // certifying now does not even ask: it lists the line to correct and focuses its field
  await qs.getByRole('button', { name: 'Certify claim' }).click();
  await expect(qs.getByRole('dialog')).toHaveCount(0);
  await expect(qs.getByTestId('grid-issues')).toContainText('Line 1: Reason required');
  await expect(reason).toBeFocused();
  await reason.fill('Doors not hung on level 3');
  await expect(qs.locator('#claim-line-1-error')).toHaveCount(0);
  // the confirmation names the amount and the payee; cancelling changes nothing
  await qs.getByRole('button', { name: 'Certify claim' }).click();
  const dialog = qs.getByRole('dialog', { name: /Certify CLM-/ });
  await expect(dialog.getByTestId('confirm-due')).toHaveText('GBP 42,750.00');
  await expect(dialog).toContainText(sc.vendor_name);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(qs.getByText('submitted', { exact: true }).first()).toBeVisible();
  await qs.getByRole('button', { name: 'Certify claim' }).click();
  await qs.getByRole('dialog').getByRole('button', { name: 'Certify', exact: true }).click();
  await expect(
    qs.getByRole('status').filter({ hasText: 'Claim certified: GBP 42,750.00 due this claim.' }),
  ).toBeVisible();
  await expect(qs.getByText('certified', { exact: true }).first()).toBeVisible();
  // 45,000 certified less 5 % retention
  await expect(qs.getByTestId('claim-due')).toHaveText('GBP 42,750.00');
  await expect(qs.getByTestId('claim-grid')).toContainText('Doors not hung on level 3');
  await expect(qs.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  const pm = await newPage(browser, demo.pm);
  await pm.getByRole('link', { name: 'My approvals' }).click();
  await pm
    .getByTestId('inbox-list')
    .getByRole('link', { name: new RegExp(reference) })
    .click();
  await pm.getByLabel(/Comment/).fill('Agreed with the QS');
  await pm.getByRole('button', { name: 'Approve' }).click();
  await expect(pm.getByTestId('claim-approval-timeline')).toContainText('Agreed with the QS');

  // 42,750 due is above the PM limit (25,000): an executive approves too (issue 13)
  const exec = await newPage(browser, demo.exec);
  await exec.goto(url);
  await exec.getByLabel(/Comment/).fill('Above the PM limit, approved');
  await exec.getByRole('button', { name: 'Approve' }).click();
  await expect(exec.getByTestId('claim-approval-timeline')).toContainText('Above the PM limit, approved');

  // the worker drafts the bill: one line per SOV line (linked to its PO line) and the retention line
  const odoo = await odooForTests();
  const findBills = () =>
    odoo.searchRead<Bill>(
      'account.move',
      [
        ['move_type', '=', 'in_invoice'],
        ['ref', '=', reference],
      ],
      ['state', 'amount_total', 'invoice_line_ids', 'ref'],
    );
  await expect
    .poll(async () => (await findBills()).map((b) => b.state), { timeout: 30_000 })
    .toEqual(['draft']);
  const [bill] = await findBills();
  expect(bill!.amount_total).toBe(42750);
  const lines = await odoo.read<BillLine & { id: number }>('account.move.line', bill!.invoice_line_ids, [
    'price_unit',
    'purchase_line_id',
    'account_id',
  ]);
  expect(
    lines
      .filter((l) => l.purchase_line_id !== false)
      .map((l) => l.price_unit)
      .sort(),
  ).toEqual([20000, 25000]);
  const retention = lines.filter((l) => l.purchase_line_id === false);
  expect(retention.map((l) => l.price_unit)).toEqual([-2250]);
  const [retentionAccount] = await odoo.search('account.account', [['code', '=', '216000']]);
  expect(retention[0]!.account_id && retention[0]!.account_id[0]).toBe(retentionAccount);

  const finance = await newPage(browser, demo.finance);
  await finance.goto(url);
  await finance.getByRole('button', { name: 'Release for payment' }).click();
  const release = finance.getByRole('dialog', { name: /Release CLM-/ });
  await expect(release.getByTestId('release-amount')).toHaveText('GBP 42,750.00');
  await expect(release.getByTestId('release-payee')).toHaveText(sc.vendor_name);
  await release.getByRole('button', { name: 'Release GBP 42,750.00' }).click();
  await expect(finance.getByRole('status').filter({ hasText: 'Released for payment' })).toBeVisible();
  await expect(finance.locator(ALERT)).toHaveCount(0);
  await expect
    .poll(async () => (await findBills()).map((b) => b.state), { timeout: 30_000 })
    .toEqual(['posted']);
  // posted follows the bill's state (the sync handler reads it back after posting)
  await expect
    .poll(
      async () =>
        (await query<{ status: string }>('SELECT status FROM claims WHERE reference = $1', [reference]))[0]
          ?.status,
      { timeout: 30_000 },
    )
    .toBe('posted');
  await finance.reload();
  await expect(finance.getByText('posted', { exact: true }).first()).toBeVisible();
  await finance.getByRole('tab', { name: 'Sync' }).click();
  await expect(finance.getByTestId('sync-status')).toContainText(/synced/i, { timeout: 30_000 });
  await finance.getByRole('tab', { name: 'Details' }).click();

  // the payment certificate: print view and PDF show the screen's totals
  const due = await finance.getByTestId('claim-due').textContent();
  expect(due).toBe('GBP 42,750.00');
  const [download] = await Promise.all([
    finance.waitForEvent('download'),
    finance.getByRole('link', { name: 'Download PDF' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`payment-certificate-${reference}.pdf`);
  const pdf = readFileSync((await download.path())!);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = extractPdfText(pdf);
  expect(text).toContain('Amount due this claim');
  expect(text).toContain(due!);
  expect(text).toContain(`Payment certificate ${reference}`);
  expect(text).toContain('GBP 2,250.00'); // retention held
  await finance.getByRole('link', { name: 'Payment certificate' }).click();
  await expect(finance.getByTestId('certificate-due')).toHaveText(due!);
  await expect(finance.getByTestId('certificate-totals')).toContainText('GBP 45,000.00');
});

test('with the vendor’s insurance expired, finance release is refused with that reason and an exception appears', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const sc = await subcontractFor('SC-1001-02');
  // as the database owner: the dual-control guard refuses a compliance date nobody confirmed
  await query(
    `SET session_replication_role = replica; UPDATE partners SET insurance_expires_on = '2026-02-15' WHERE id = '${sc.vendor_id}'; RESET session_replication_role`,
  );
  const qs = await newPage(browser, demo.qs);
  const url = await raiseClaim(qs, sc, '2026-02-28', ['12000.00'], 'GBP 12,000.00');
  const reference = (await qs.getByRole('heading', { level: 1 }).textContent())!.match(
    /CLM-[\w-]+-\d{3}/,
  )![0];
  await qs.getByRole('button', { name: 'Certify claim' }).click();
  await qs.getByRole('dialog').getByRole('button', { name: 'Certify', exact: true }).click();
  await expect(qs.getByText('certified', { exact: true }).first()).toBeVisible();
  await expect(qs.getByTestId('claim-insurance')).toContainText('expired at period end');

  const pm = await newPage(browser, demo.pm);
  await pm.goto(url);
  await pm.getByRole('button', { name: 'Approve' }).click();
  await expect(pm.getByTestId('claim-approval-timeline')).toContainText(/approved/);

  const finance = await newPage(browser, demo.finance);
  await finance.goto(url);
  await expect(finance.getByTestId('release-blocks')).toContainText('insurance expired on 2026-02-15');
  await finance.getByRole('button', { name: 'Release for payment' }).click();
  await finance
    .getByRole('dialog')
    .getByRole('button', { name: /^Release GBP/ })
    .click();
  await expect(finance.locator(ALERT)).toContainText('Release refused');
  // the one compliance rule judges on the later of the period end and the organisation's today
  await expect(finance.locator(ALERT)).toContainText(
    /insurance expired on 2026-02-15 \(judged on \d{4}-\d{2}-\d{2}\)/,
  );
  await finance.reload();
  await expect(finance.getByText('approved', { exact: true }).first()).toBeVisible();

  await finance.getByRole('link', { name: 'Exceptions' }).click();
  await expect(finance.getByText(`Release of ${reference} refused: insurance expired`)).toBeVisible();
});
