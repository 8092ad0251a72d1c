import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { moneyAsNumbers } from '@/components/data-table/csv';
import { demo, e2eDatabaseUrl, signIn } from './fixtures';

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
 * An approved claim on the concrete SOV line of SC-1001-01 (mirrored by the start-up pull), with its
 * figures frozen as the claims workflow leaves them: the record the executive drills down to.
 */
async function ensureApprovedClaim(): Promise<{ projectId: string; costCodeId: string; claimId: string }> {
  const [line] = await query<{
    project_id: string;
    subcontract_id: string;
    sov_line_id: string;
    cost_code_id: string;
    scheduled: string;
    reference: string;
    qs: string;
  }>(
    `SELECT s.project_id, s.id AS subcontract_id, sl.id AS sov_line_id, sl.cost_code_id, sl.scheduled_amount AS scheduled, s.reference,
            (SELECT id FROM users WHERE email = $1) AS qs
     FROM subcontracts s JOIN sov_lines sl ON sl.subcontract_id = s.id JOIN cost_codes c ON c.id = sl.cost_code_id
     WHERE s.title LIKE 'SC-1001-01%' AND c.code = '03-300'`,
    [demo.qs],
  );
  expect(line, 'the start-up pull should have mirrored SC-1001-01 with its concrete line').toBeDefined();
  const [claim] = await query<{ id: string }>(
    `INSERT INTO claims (subcontract_id, project_id, number, reference, period_end, created_by_id)
     SELECT $1, $2, coalesce(max(number), 0) + 1, $3 || '-E2E-' || (coalesce(max(number), 0) + 1), '2026-02-27', $4 FROM claims WHERE subcontract_id = $1
     RETURNING id`,
    [line!.subcontract_id, line!.project_id, line!.reference, line!.qs],
  );
  await query(
    `INSERT INTO claim_lines (claim_id, sov_line_id, scheduled_amount, claimed_to_date_amount, certified_to_date_amount) VALUES ($1, $2, $3, 46250.00, 46250.00)`,
    [claim!.id, line!.sov_line_id, line!.scheduled],
  );
  // history written as the database owner, as a data migration would: the approval-route guard is for
  // the application's writes (its own tests live in server/modules/approvals), so it is off for this one;
  // with triggers off the maintained cost sums missed the write, so the owner rebuilds them after it
  await query(
    `SET session_replication_role = replica; UPDATE claims SET status = 'approved', certified_by_id = created_by_id,
       approved_by_id = (SELECT id FROM users WHERE email = 'pm@northbeam.example'), certified_to_date_amount = 46250.00, completed_to_date_amount = 46250.00, retention_held_to_date_amount = 2312.50,
       deductions_to_date_amount = 0, net_to_date_amount = 43937.50, due_amount = 43937.50 WHERE id = ${pg.escapeLiteral(claim!.id)};
     SET session_replication_role = origin; SELECT cost_totals_rebuild()`,
  );
  return { projectId: line!.project_id, costCodeId: line!.cost_code_id, claimId: claim!.id };
}

/** RFC 4180, as components/data-table/csv.ts writes it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

/** The table as a person reads it: header labels (without sort arrows), body rows and totals rows. */
async function renderedTable(page: Page): Promise<string[][]> {
  const table = page.getByTestId('data-table');
  const header = (await table.locator('thead tr').first().locator('th').allInnerTexts()).map((t) =>
    t.replace(/[▲▼↕]/g, '').trim(),
  );
  const body = await table
    .locator('tbody tr, tfoot tr')
    .evaluateAll((rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => (td as HTMLElement).innerText.trim())),
    );
  return [header, ...body];
}

const money = (text: string) => Number(text.replace(/[A-Z,\s]/g, '').replace('−', '-'));

test('an executive opens the portfolio, sorts by VAC, exports it, and drills from a project to a cost code to a claim', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const target = await ensureApprovedClaim();
  await signIn(page, demo.exec);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Portfolio' }).click();
  await expect(page.getByRole('heading', { name: 'Portfolio' })).toBeVisible();
  const table = page.getByTestId('data-table');
  await expect(table.getByRole('link', { name: 'P-1001' })).toBeVisible();
  await expect(page.getByTestId('data-table-totals')).toContainText('3 projects');

  // sort by VAC: ascending puts the worst variance first, on the server
  const vacHeader = table.getByRole('columnheader', { name: /^VAC/ });
  await vacHeader.getByRole('button').click();
  await expect(vacHeader).toHaveAttribute('aria-sort', 'ascending');
  const vacIndex = (await table.locator('thead tr').first().locator('th').allInnerTexts()).findIndex(
    (t) => t.replace(/[▲▼↕]/g, '').trim() === 'VAC',
  );
  await expect(async () => {
    const values = (await table.locator(`tbody tr td:nth-child(${vacIndex + 1})`).allInnerTexts()).map(money);
    expect(values.length).toBe(3);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  }).toPass();

  // the charts are drawn from the server's series; the screenshot is the test's artefact
  const charts = page.getByTestId('cost-charts');
  await expect(charts.getByRole('figure')).toHaveCount(5);
  await expect(charts.locator('svg.recharts-surface').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/portfolio.png', fullPage: true });

  // the CSV is the table on screen: same header, same rows in the same order, same totals
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('portfolio.csv');
  const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
  // …with money as numbers and a currency column, so a spreadsheet can sum it
  const [shownHeader = [], ...shownRows] = await renderedTable(page);
  const expected = moneyAsNumbers(shownHeader, shownRows);
  expect(csv).toEqual([expected.header, ...expected.rows]);
  expect(csv[0]).toContain('Currency');

  // drill: project → cost code → the claim behind its numbers
  await table.getByRole('link', { name: 'P-1001' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${target.projectId}/cost$`));
  await expect(page.getByRole('heading', { name: /P-1001 · Cost to complete/ })).toBeVisible();
  await expect(page.getByTestId('automatic-codes')).toContainText('03-300');
  await expect(page.getByTestId('overridden-codes')).toContainText('Tom Okafor');
  await expect(page.getByTestId('cost-charts').getByRole('figure')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/project-cost.png', fullPage: true });
  await page.getByTestId('data-table').getByRole('link', { name: '03-300' }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${target.projectId}/cost/${target.costCodeId}$`));
  await expect(page.getByRole('heading', { name: /03-300 · Concrete/ })).toBeVisible();
  await expect(page.getByTestId('cost-code-figures')).toContainText('Committed (CC)');
  const claimLink = page.getByTestId('record-link-claim').first();
  await expect(claimLink).toBeVisible();
  await claimLink.click();
  await expect(page).toHaveURL(new RegExp(`/projects/${target.projectId}/claims/${target.claimId}$`));
});
