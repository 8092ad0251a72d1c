import { expect, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { ALERT, demo, demoPassword, e2eQuery, signIn } from './fixtures';

/**
 * Dual control (issue 13 item 6) and inline step-up (issue 20) through the real stack: finance asks
 * for new bank details on the vendor page, nothing changes and finance cannot confirm its own request;
 * an executive — signing in with a real authenticator — sees who asked and the new account as last 4
 * and fingerprint under Pending changes, confirms, is asked for a fresh code in place, and the
 * confirmation goes through without leaving the page.
 */
const codeAt = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

test('dual control: a second person confirms new bank details, with an inline step-up', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const newNumber = `GB29NWBK6016${String(stamp).slice(-10)}`;
  const [vendor] = await e2eQuery<{ id: string; name: string; bank_account_number: string | null }>(
    `SELECT id, name, bank_account_number FROM partners WHERE is_vendor AND NOT EXISTS (SELECT 1 FROM pending_changes c WHERE c.subject_id = partners.id AND c.status = 'pending') ORDER BY name LIMIT 1`,
  );
  // an executive with the demo password and no second factor yet: they enrol for real below
  const execEmail = `exec.dual.${stamp}@northbeam.example`;
  await e2eQuery(
    `INSERT INTO users (organisation_id, email, name, role, password_hash) SELECT organisation_id, $1, 'Dual Control Executive', 'executive', password_hash FROM users WHERE email = $2`,
    [execEmail, demo.exec],
  );

  // finance asks for new bank details: nothing changes on the vendor yet
  const financeContext = await browser.newContext();
  const finance = await financeContext.newPage();
  await signIn(finance, demo.finance);
  await finance.goto(`/vendors/${vendor!.id}`);
  await finance.getByLabel('Bank account number').fill(newNumber);
  await finance.getByRole('button', { name: 'Save' }).click();
  await expect(finance.getByText('takes effect when an executive confirms it')).toBeVisible();
  await expect(finance.getByTestId('vendor-pending-changes')).toContainText('Vendor bank details');
  expect(
    (
      await e2eQuery<{ n: string | null }>('SELECT bank_account_number AS n FROM partners WHERE id = $1', [
        vendor!.id,
      ])
    )[0]!.n,
  ).toBe(vendor!.bank_account_number);

  // finance cannot confirm its own request
  await finance.goto('/changes');
  const ownRow = finance.getByTestId('pending-changes').locator('tr', { hasText: vendor!.name });
  await expect(ownRow.getByTestId('why-not')).toContainText('You asked for this change');
  await expect(ownRow.getByRole('button', { name: 'Confirm' })).toHaveCount(0);
  await financeContext.close();

  // the executive signs in, must enrol (a role that needs a second factor), then opens Pending changes
  const execContext = await browser.newContext();
  const exec = await execContext.newPage();
  await exec.goto('/sign-in');
  await exec.getByLabel('Email').fill(execEmail);
  await exec.getByLabel('Password').fill(demoPassword());
  await exec.getByRole('button', { name: 'Sign in' }).click();
  await expect(exec).toHaveURL(/\/two-step/);
  await exec.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  const secret = (await exec.getByTestId('mfa-secret').textContent())!.trim();
  await exec.getByLabel('Code from the app').fill(codeAt(secret));
  await exec.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await expect(exec.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  // the code proved at enrolment is now 20 minutes old: confirming bank details needs a fresh one
  await e2eQuery(
    `UPDATE user_sessions SET mfa_verified_at = now() - interval '20 minutes' WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
    [execEmail],
  );

  await exec.goto('/changes');
  const row = exec.getByTestId('pending-changes').locator('tr', { hasText: vendor!.name });
  await expect(row).toContainText('Vendor bank details');
  await expect(row).toContainText(`…${newNumber.slice(-4)} (sha256:`);
  await expect(row).not.toContainText(newNumber);
  const [asker] = await e2eQuery<{ name: string }>('SELECT name FROM users WHERE email = $1', [demo.finance]);
  await expect(row).toContainText(asker!.name);
  await row.getByRole('button', { name: 'Confirm' }).click();

  // asked for the code in place, not sent away; then the confirmation is retried
  const prompt = exec.getByTestId('step-up-prompt');
  await expect(prompt).toBeVisible();
  await expect(exec).toHaveURL(/\/changes$/);
  await prompt.getByLabel('Authentication code').fill('000000' === codeAt(secret, 1) ? '111111' : '000000');
  await prompt.getByRole('button', { name: 'Confirm and continue' }).click();
  await expect(prompt.locator(ALERT)).toContainText('not valid');
  await prompt.getByLabel('Authentication code').fill(codeAt(secret, 1));
  await prompt.getByRole('button', { name: 'Confirm and continue' }).click();
  await expect(exec.getByText('Confirmed: the change has taken effect.')).toBeVisible();
  await expect(prompt).toHaveCount(0);

  const [after] = await e2eQuery<{ n: string }>(
    'SELECT bank_account_number AS n FROM partners WHERE id = $1',
    [vendor!.id],
  );
  expect(after!.n).toBe(newNumber);
  const audit = await e2eQuery<{ changed_fields: unknown }>(
    `SELECT changed_fields FROM audit_events WHERE entity_id = $1 AND action IN ('change.request', 'vendor.bank_change')`,
    [vendor!.id],
  );
  expect(audit.length).toBeGreaterThanOrEqual(2);
  expect(JSON.stringify(audit)).not.toContain(newNumber);
  expect(JSON.stringify(audit)).toContain(`"last4":"${newNumber.slice(-4)}"`);
  await execContext.close();
});
