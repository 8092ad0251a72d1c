import { expect, test, type APIRequestContext } from '@playwright/test';
import { ALERT, appOrigin, demo, demoPm2, e2eQuery, sessionCookieFor, signIn } from './fixtures';

/** A tRPC mutation as `email` (the services behind the UI, with the same permission checks). */
async function mutate<T>(
  request: APIRequestContext,
  email: string,
  path: string,
  input: unknown,
): Promise<T> {
  const response = await request.post(`/api/trpc/${path}`, {
    headers: {
      cookie: await sessionCookieFor(email),
      origin: appOrigin(),
      'content-type': 'application/json',
    },
    data: { json: input },
  });
  const body = await response.text();
  expect(response.status(), `${path}: ${body}`).toBe(200);
  return (JSON.parse(body) as { result: { data: { json: T } } }).result.data.json;
}

test('finance filters the queue and bulk-retries three failed syncs once the missing mapping is restored', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const [project] = await e2eQuery<{ id: string; odoo_sale_order_id: number | null }>(
    "SELECT id, odoo_sale_order_id FROM projects WHERE code = 'P-1001'",
  );
  expect(project?.odoo_sale_order_id).not.toBeNull();
  const [code] = await e2eQuery<{ id: string }>(
    'SELECT id FROM cost_codes WHERE project_id = $1 ORDER BY code LIMIT 1',
    [project!.id],
  );
  const tag = `Bulk retry ${Date.now()}`;
  const ids: string[] = [];

  // the project's sale-order link is unset: client COs cannot reach Odoo (a business error, at once)
  await e2eQuery('UPDATE projects SET odoo_sale_order_id = NULL WHERE id = $1', [project!.id]);
  try {
    for (let i = 1; i <= 3; i += 1) {
      const created = await mutate<{ id: string }>(request, demo.pm, 'changeOrders.create', {
        projectId: project!.id,
        kind: 'client',
        title: `${tag} #${i}`,
        reason: 'client_instruction',
        description: '',
        scheduleImpactDays: 0,
        lines: [
          {
            costCodeId: code!.id,
            description: 'Extra kerb line',
            quantity: '1',
            unit: 'item',
            unitCost: '1000.00',
            sellAmount: '1250.00',
          },
        ],
        documents: [],
      });
      await mutate(request, demo.pm, 'changeOrders.submit', { changeOrderId: created.id, version: 1 });
      await mutate(request, demo.qs, 'changeOrders.approve', { changeOrderId: created.id, version: 2 });
      await mutate(request, demoPm2, 'changeOrders.approve', { changeOrderId: created.id, version: 3 });
      ids.push(created.id);
    }
    await expect
      .poll(
        async () =>
          (
            await e2eQuery<{ n: number }>(
              "SELECT count(*)::int AS n FROM change_orders WHERE id = ANY($1) AND sync_status = 'failed'",
              [ids],
            )
          )[0]!.n,
        { timeout: 60_000 },
      )
      .toBe(3);
  } finally {
    // the mapping is fixed (as a master-data pull would)
    await e2eQuery('UPDATE projects SET odoo_sale_order_id = $2 WHERE id = $1', [
      project!.id,
      project!.odoo_sale_order_id,
    ]);
  }
  const references = (
    await e2eQuery<{ reference: string }>(
      'SELECT reference FROM change_orders WHERE id = ANY($1) ORDER BY reference',
      [ids],
    )
  ).map((r) => r.reference);

  await signIn(page, demo.finance);
  await page.goto('/exceptions');
  const table = page.getByTestId('data-table');
  await page.getByLabel('Filter Category').selectOption({ label: 'Sync failure' });
  await page.getByLabel('Filter Project').selectOption({ label: 'P-1001' });
  for (const reference of references) {
    await page.getByLabel('Filter Record').fill(reference);
    await expect(table.getByRole('link', { name: reference })).toBeVisible();
    await expect(table.getByText(/missing|sale order/i).first()).toBeVisible();
    await table.getByRole('checkbox', { name: new RegExp(`^Select ${reference}:`) }).check();
  }
  await expect(page.getByText('3 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Retry selected' }).click();
  await expect(page.getByText('Retry requested for 3 of 3.')).toBeVisible();
  await expect(page.locator(ALERT)).toHaveCount(0);

  await expect
    .poll(
      async () =>
        (
          await e2eQuery<{ n: number }>(
            "SELECT count(*)::int AS n FROM change_orders WHERE id = ANY($1) AND sync_status = 'synced'",
            [ids],
          )
        )[0]!.n,
      { timeout: 60_000 },
    )
    .toBe(3);
  // each exception closed by itself, and each retry is in the audit log
  const open = await e2eQuery<{ n: number }>(
    "SELECT count(*)::int AS n FROM exceptions WHERE record_id = ANY($1) AND status = 'open'",
    [ids],
  );
  expect(open[0]!.n).toBe(0);
  const retries = await e2eQuery<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_events a JOIN exceptions e ON e.id::text = a.entity_id WHERE a.action = 'exception.retry' AND e.record_id = ANY($1)",
    [ids],
  );
  expect(retries[0]!.n).toBe(3);

  // the queue agrees: filtered on resolved, the three are there
  await page.getByLabel('Filter Record').fill(references[0]!);
  await page.getByLabel('Filter Status').selectOption({ label: 'Resolved' });
  await expect(table.getByRole('link', { name: references[0]! })).toBeVisible();
});

test('finance lands on its home with the queue by category and age, and can open sync health', async ({
  page,
}) => {
  await signIn(page, demo.finance);
  await page.goto('/');
  await expect(page).toHaveURL(/\/finance$/);
  await expect(page.getByTestId('queue-ageing')).toContainText('Sync failure');
  await expect(page.getByTestId('queue-ageing')).toContainText('3–7 days');
  await page.getByRole('link', { name: 'Sync health' }).click();
  await expect(page.getByTestId('sync-health-stats')).toContainText('Queue depth');
  await expect(page.getByRole('figure', { name: 'Attempts by outcome' })).toBeVisible();
});
