import { expect, test } from '@playwright/test';
import { ALERT, appOrigin, demo, demoPassword, signIn } from './fixtures';

const navByRole: Record<string, { sees: string[]; hidden: string[]; role: string }> = {
  [demo.admin]: {
    role: 'Administrator',
    sees: ['Users & access', 'Approval thresholds', 'Audit log', 'Projects'],
    hidden: [],
  },
  [demo.qs]: {
    role: 'Quantity surveyor',
    sees: ['My approvals', 'Projects'],
    hidden: ['Users & access', 'Audit log', 'Approval thresholds'],
  },
  [demo.pm]: {
    role: 'Project manager',
    sees: ['My approvals', 'Projects'],
    hidden: ['Users & access', 'Audit log'],
  },
  [demo.finance]: {
    role: 'Finance',
    sees: ['My approvals', 'Audit log'],
    hidden: ['Users & access', 'Approval thresholds'],
  },
  [demo.exec]: {
    role: 'Executive',
    sees: ['My approvals', 'Projects', 'Audit log'],
    hidden: ['Users & access'],
  },
};

test.describe('sign-in and role navigation', () => {
  for (const [email, expected] of Object.entries(navByRole)) {
    test(`${expected.role} signs in and sees their navigation`, async ({ page }) => {
      await signIn(page, email);
      await expect(page.getByTestId('signed-in-role')).toHaveText(expected.role);
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const label of expected.sees) await expect(nav.getByRole('link', { name: label })).toBeVisible();
      for (const label of expected.hidden)
        await expect(nav.getByRole('link', { name: label })).toHaveCount(0);
      await expect(page.getByTestId('odoo-mode')).toContainText(/Odoo/);
    });
  }

  test('a wrong password is refused with a clear message, and repeated failures are throttled with 429', async ({
    page,
  }) => {
    const email = `nobody-${Date.now()}@northbeam.example`;
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator(ALERT)).toContainText('do not match');
    let lastStatus = 0;
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const response = page.waitForResponse((r) => r.url().includes('/api/auth/callback/credentials'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      lastStatus = (await response).status();
    }
    expect(lastStatus).toBe(429);
    await expect(page.locator(ALERT)).toContainText('Too many failed sign-in attempts');
  });

  test('a non-admin gets the 403 page for admin screens', async ({ page }) => {
    await signIn(page, demo.qs);
    await page.goto('/admin/users');
    await expect(page.getByRole('heading', { name: 'You do not have access to this page' })).toBeVisible();
  });
});

test('admin creates a QS on one project; the QS sees only it; deactivation ends their session at once', async ({
  browser,
}) => {
  const adminContext = await browser.newContext();
  const qsContext = await browser.newContext();
  const admin = await adminContext.newPage();
  const qs = await qsContext.newPage();
  const email = `new.qs.${Date.now()}@northbeam.example`;
  const password = 'a-strong-initial-password';

  await signIn(admin, demo.admin);
  await admin.getByRole('link', { name: 'Users & access' }).click();
  await admin.getByTestId('new-user').click();
  const form = admin.getByRole('form', { name: 'New user' });
  await form.getByLabel('Name').fill('Nadia Brooks');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption('quantity_surveyor');
  await form.getByLabel('Initial password').fill(password);
  await form.getByLabel(/P-1002/).check();
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(admin.getByRole('link', { name: 'Nadia Brooks' })).toBeVisible();

  // a QS takes approval steps: the account waits for an executive's confirmation (dual control)
  await qs.goto('/sign-in');
  await qs.getByLabel('Email').fill(email);
  await qs.getByLabel('Password').fill(password);
  await qs.getByRole('button', { name: 'Sign in' }).click();
  await expect(qs.locator(ALERT)).toContainText('do not match an active account');
  const execContext = await browser.newContext();
  const exec = await execContext.newPage();
  await signIn(exec, demo.exec);
  await exec.goto('/changes');
  const pending = exec.getByTestId('pending-changes').locator('tr', { hasText: email });
  await pending.getByRole('button', { name: 'Confirm' }).click();
  await expect(exec.getByText('Confirmed: the change has taken effect.')).toBeVisible();
  await execContext.close();

  await signIn(qs, email, password);
  await qs.getByRole('link', { name: 'Projects' }).click();
  const table = qs.getByTestId('data-table');
  await expect(table.getByText('Riverside Medical Centre')).toBeVisible();
  await expect(table.getByText('Harbour View Apartments')).toHaveCount(0);
  await expect(qs.getByTestId('data-table-total')).toHaveText('Rows 1–1 of 1');

  await admin.getByRole('link', { name: 'Nadia Brooks' }).click();
  await admin.getByRole('button', { name: 'Deactivate' }).click();
  await expect(admin.getByText('User deactivated')).toBeVisible();

  // the very next request — a client-side data fetch — is refused and lands on sign-in
  await qs.getByRole('link', { name: 'My approvals' }).click();
  await expect(qs).toHaveURL(/\/sign-in/);
  await expect(qs.getByText(/session has ended/i)).toBeVisible();
  // and signing in again is refused
  await qs.getByLabel('Email').fill(email);
  await qs.getByLabel('Password').fill(password);
  await qs.getByRole('button', { name: 'Sign in' }).click();
  await expect(qs.locator(ALERT)).toContainText('do not match an active account');
  await adminContext.close();
  await qsContext.close();
});

test.describe('web security', () => {
  test('tRPC mutations refuse cross-site form posts and foreign origins', async ({ request, page }) => {
    await signIn(page, demo.admin);
    const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const url = '/api/trpc/settings.updateThresholds';
    const body = {
      json: {
        version: 1,
        pmLimitAmount: '1.00',
        executiveLimitAmount: '2.00',
        currency: 'GBP',
        timeZone: 'UTC',
      },
    };
    const multipart = await request.post(url, {
      headers: { cookie: cookies, origin: 'https://evil.example' },
      multipart: { json: JSON.stringify(body) },
    });
    expect(multipart.status()).toBe(403);
    const sameOriginMultipart = await request.post(url, {
      headers: { cookie: cookies, origin: appOrigin() },
      multipart: { json: JSON.stringify(body) },
    });
    expect(sameOriginMultipart.status()).toBe(403);
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/octet-stream',
    ]) {
      const response = await request.post(url, {
        headers: { cookie: cookies, origin: appOrigin(), 'content-type': contentType },
        data: JSON.stringify(body),
      });
      expect(response.status(), contentType).toBe(403);
    }
    const foreign = await request.post(url, {
      headers: { cookie: cookies, origin: 'https://evil.example', 'content-type': 'application/json' },
      data: body,
    });
    expect(foreign.status()).toBe(403);
    // nothing changed through the refused requests
    const thresholds = await request.get('/api/trpc/settings.thresholds', { headers: { cookie: cookies } });
    expect(JSON.stringify(await thresholds.json())).not.toContain('"pmLimitAmount":"1.00"');
    // the same request from the app's own origin passes the transport and reaches the service,
    // which refuses the stale version: the CSRF gate, not the service, stopped the others
    const stale = { json: { ...body.json, version: 999 } };
    const own = await request.post(url, {
      headers: { cookie: cookies, origin: appOrigin(), 'content-type': 'application/json' },
      data: stale,
    });
    expect(own.status()).toBe(409);
  });

  test('security headers on a page, an API route, tRPC and a 404', async ({ request }) => {
    for (const path of ['/sign-in', '/api/health', '/api/trpc/session.me', '/no-such-page']) {
      const response = await request.get(path);
      const headers = response.headers();
      expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(headers['content-security-policy'], path).toContain("object-src 'none'");
      expect(headers['content-security-policy'], path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
    }
    expect((await request.get('/no-such-page')).status()).toBe(404);
  });

  test('health answers with status, database and version', async ({ request }) => {
    const response = await request.get('/api/health');
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      database: 'ok',
      version: expect.any(String),
    });
  });

  test('a password sent to sign in never appears in a page', async ({ page }) => {
    await signIn(page, demo.finance);
    expect(await page.content()).not.toContain(demoPassword());
  });
});
