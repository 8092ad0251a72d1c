import { expect, test, type Page } from '@playwright/test';
import { ALERT, appOrigin, demo, demoPm2, odooForTests, signIn } from './fixtures';

async function openProject(page: Page, code: string) {
  await page.getByRole('link', { name: 'Projects' }).click();
  await page.getByTestId('data-table').getByRole('link', { name: code }).click();
}

test('a CO above the PM limit goes QS → PM → executive and lands on the sale order in Odoo', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const title = `Basement tanking upgrade ${Date.now()}`;
  const raiser = await (await browser.newContext()).newPage();
  await signIn(raiser, demo.pm);
  await raiser.getByRole('link', { name: 'Projects' }).click();
  await raiser.getByTestId('data-table').getByRole('link', { name: 'P-1001' }).click();
  await raiser
    .getByRole('navigation', { name: 'Project' })
    .getByRole('link', { name: 'Change orders' })
    .click();
  await raiser.getByRole('link', { name: 'New change order' }).click();

  const form = raiser.getByRole('form', { name: 'Change order' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Line 1 cost code').selectOption({ label: '03-300 Concrete' });
  await form.getByLabel('Line 1 description').fill('Type A tanking to retaining walls');
  await form.getByLabel('Line 1 quantity').fill('420');
  await form.getByLabel('Line 1 unit', { exact: true }).fill('m2');
  await form.getByLabel('Line 1 unit cost').fill('95.50');
  await form.getByLabel('Line 1 sell amount').fill('46200.00');
  // totals come from the server's calculation
  await expect(raiser.getByTestId('co-totals')).toContainText('GBP 40,110.00');
  await form.getByRole('button', { name: 'Create draft' }).click();
  await expect(raiser.getByRole('heading', { name: new RegExp(title) })).toBeVisible();
  await raiser.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(raiser.getByTestId('co-approval-timeline')).toContainText('Executive approval');
  const coUrl = raiser.url();
  const reference = (await raiser.getByRole('heading', { level: 1 }).textContent())!.match(/CO-\d{4}/)![0];

  // the submitter is offered no approval, and the API refuses one
  await expect(raiser.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  const changeOrderId = coUrl.split('/').pop()!;
  const cookies = (await raiser.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const refused = await raiser.request.post('/api/trpc/changeOrders.approve', {
    headers: { cookie: cookies, origin: appOrigin(), 'content-type': 'application/json' },
    data: { json: { changeOrderId, version: 2 } },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain('cannot approve an item you created');

  for (const [email, stepDone] of [
    [demo.qs, 'QS review'],
    [demoPm2, 'project manager approval'],
    [demo.exec, 'executive approval'],
  ] as const) {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    await page.getByRole('link', { name: 'My approvals' }).click();
    await page
      .getByTestId('inbox-list')
      .getByRole('link', { name: new RegExp(title) })
      .click();
    await page.getByLabel(/Comment/).fill(`${stepDone} done in e2e`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.locator(ALERT)).toHaveCount(0);
    await expect(page.getByTestId('co-approval-timeline')).toContainText(`${stepDone} done in e2e`);
    await page.context().close();
  }

  await raiser.reload();
  await expect(raiser.getByText('approved', { exact: true }).first()).toBeVisible();

  // the worker pushes it to Odoo: the sale-order line exists, and the Sync tab shows the attempt
  const odoo = await odooForTests();
  await expect
    .poll(
      async () =>
        (
          await odoo.searchRead(
            'sale.order.line',
            [['name', '=like', `[${reference}]%`]],
            ['name', 'price_unit'],
          )
        ).length,
      { timeout: 30_000 },
    )
    .toBe(1);
  const [line] = await odoo.searchRead<{ id: number; name: string; price_unit: number }>(
    'sale.order.line',
    [['name', '=like', `[${reference}]%`]],
    ['name', 'price_unit'],
  );
  expect(line!.name).toBe(`[${reference}] ${title}`);
  expect(line!.price_unit).toBe(46200);
  await raiser.getByRole('tab', { name: 'Sync' }).click();
  await expect(raiser.getByTestId('sync-status')).toContainText('Synced', { timeout: 30_000 });
  await expect(raiser.getByTestId('sync-attempts')).toContainText('Done');
  await expect(raiser.getByTestId('sync-attempts')).toContainText('sale.order.line');
});

test('a rejected CO shows the reason and can be revised into a new revision', async ({ page, browser }) => {
  await signIn(page, demo.pm);
  await openProject(page, 'P-1001');
  await page
    .getByRole('navigation', { name: 'Project' })
    .getByRole('link', { name: 'Change orders' })
    .click();
  await page.getByRole('link', { name: 'New change order' }).click();
  const form = page.getByRole('form', { name: 'Change order' });
  await form.getByLabel('Title').fill('Extra socket outlets');
  await form.getByLabel('Line 1 cost code').selectOption({ label: '16-100 Electrical' });
  await form.getByLabel('Line 1 description').fill('Double sockets, level 2');
  await form.getByLabel('Line 1 unit cost').fill('85.00');
  await form.getByLabel('Line 1 sell amount').fill('110.00');
  await form.getByRole('button', { name: 'Create draft' }).click();
  await page.getByRole('button', { name: 'Submit for approval' }).click();
  const url = page.url();

  const qs = await (await browser.newContext()).newPage();
  await signIn(qs, demo.qs);
  await qs.goto(url);
  await qs.getByRole('button', { name: 'Reject' }).click();
  await expect(qs.locator(ALERT)).toContainText(/reason/i);
  await qs.getByLabel(/Comment/).fill('Quantities not measured');
  await qs.getByRole('button', { name: 'Reject' }).click();
  await expect(qs.getByTestId('co-approval-timeline')).toContainText('Quantities not measured');

  await page.reload();
  await page.getByRole('button', { name: 'Revise as new revision' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('rev 2');
  await expect(page.getByRole('link', { name: 'Revision 1' })).toBeVisible();
});
