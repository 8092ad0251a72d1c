import { expect, test } from '@playwright/test';
import { demo, e2eQuery, signIn } from './fixtures';

/**
 * Issue 19 notifications over the real stack: the worker sends a queued notification through the
 * bundled SMTP catcher that `npm run test:e2e` started (no SMTP_URL), Admin → Sent mail shows both
 * the row (sent) and what the catcher received; a person's preferences persist.
 */
test('a queued notification is delivered through the bundled catcher and listed on Sent mail', async ({
  page,
}) => {
  const subject = `E2E notification ${Date.now()}`;
  // queued as an event would queue it: the row and its graphile job in one transaction
  await e2eQuery(
    `WITH n AS (
       INSERT INTO notifications (organisation_id, recipient_id, kind, dedupe_key, subject, body_text, essential)
       SELECT organisation_id, id, 'account', 'e2e:' || $1, $1, 'Hello from the end-to-end suite.', true
       FROM users WHERE email = $2 RETURNING id)
     SELECT graphile_worker.add_job('notification_send', json_build_object('notificationId', n.id),
       job_key => 'notification:' || n.id || ':q') FROM n`,
    [subject, demo.pm],
  );
  await expect
    .poll(
      async () =>
        (
          await e2eQuery<{ status: string }>('SELECT status FROM notifications WHERE subject = $1', [subject])
        )[0]?.status,
      { timeout: 30_000 },
    )
    .toBe('sent');

  await signIn(page, demo.admin);
  await page.goto('/admin/mail');
  const queue = page.getByTestId('notification-queue');
  await expect(queue.getByRole('row').filter({ hasText: subject })).toContainText('Sent');
  // the catcher's copy: what the SMTP server really accepted
  await expect(page.getByTestId('mail-outbox')).toContainText(subject);
});

test('a person turns a kind of mail off and chooses the daily digest; it persists', async ({ page }) => {
  await signIn(page, demo.pm);
  await page.getByRole('link', { name: 'Email notifications' }).click();
  await expect(page).toHaveURL(/\/settings\/notifications$/);
  const settings = page.getByTestId('notification-settings');
  await settings.getByRole('checkbox', { name: /Claim submitted/ }).uncheck();
  await settings.getByRole('radio', { name: /One email a day/ }).check();
  await settings.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(settings.getByRole('checkbox', { name: /Claim submitted/ })).not.toBeChecked();
  await expect(settings.getByRole('radio', { name: /One email a day/ })).toBeChecked();
  const [row] = await e2eQuery<{ off_kinds: string[]; approval_digest: boolean }>(
    `SELECT s.off_kinds, s.approval_digest FROM notification_settings s JOIN users u ON u.id = s.user_id WHERE u.email = $1`,
    [demo.pm],
  );
  expect(row).toEqual({ off_kinds: ['claim_submitted'], approval_digest: true });
});
