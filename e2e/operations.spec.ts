import { expect, test } from '@playwright/test';
import { demo, e2eQuery, signIn } from './fixtures';

/** The sync health page's KPI panel shows what the integration holds up, computed from the rows. */
test('operations KPI panel: an unowned exception past its SLO appears with its money at stake', async ({
  page,
}) => {
  await signIn(page, demo.finance);
  await page.goto('/sync');
  const card = page.getByTestId('kpi-exceptions_past_slo');
  await expect(card).toBeVisible();
  await expect(
    page.getByTestId('kpi-panel').locator('[data-testid^="kpi-"][data-testid$="_not_released"]'),
  ).toBeVisible();
  const before = Number(await card.getByTestId('kpi-count').innerText());
  const cause = `e2e-kpi-${Date.now()}`;
  await e2eQuery(
    `INSERT INTO exceptions (category, cause, severity, record_type, record_id, title, detail, guidance, amount_at_stake, first_seen_at)
     VALUES ('sync_failure', $1, 'high', 'claim', gen_random_uuid()::text, 'E2E KPI exception', 'd', 'g', 4321.09, now() - interval '10 days')`,
    [cause],
  );
  try {
    await page.reload();
    await expect(page.getByTestId('kpi-exceptions_past_slo').getByTestId('kpi-count')).toHaveText(
      String(before + 1),
      { timeout: 15_000 },
    );
    const [expected] = await e2eQuery<{ amount: string }>(
      `SELECT coalesce(sum(amount_at_stake), 0)::numeric(16,2)::text AS amount FROM exceptions e WHERE status = 'open' AND assignee_id IS NULL
         AND (SELECT count(*) FROM generate_series(e.first_seen_at::date + 1, current_date, interval '1 day') d WHERE extract(isodow FROM d) < 6) > 2`,
    );
    const shown = (
      await page.getByTestId('kpi-exceptions_past_slo').getByTestId('kpi-amount').innerText()
    ).replace(/[^0-9.]/g, '');
    expect(Number(shown)).toBeCloseTo(Number(expected!.amount), 2);
    await expect(page.getByTestId('slo-table')).toContainText('Exceptions (unowned)');
  } finally {
    await e2eQuery(
      `UPDATE exceptions SET status = 'resolved', resolved_at = now(), resolution = 'e2e cleanup' WHERE cause = $1`,
      [cause],
    );
  }
});
