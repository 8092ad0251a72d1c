import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { PDFDocument } from 'pdf-lib';
import { extractPdfText } from '@/server/modules/claims/pdf-text';
import { appOrigin, demo, e2eQuery, signIn } from './fixtures';

/**
 * Issue 19: the subcontractor portal end to end, on the demo stack (web, worker, Odoo simulator).
 * Keystone Groundworks' subcontract on P-1003 (QS qs2, PM pm2) — no other journey claims on it.
 */
const QS2 = 'qs2@northbeam.example';
const PM2 = 'pm2@northbeam.example';

async function newPage(browser: Browser, email?: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  if (email) await signIn(page, email);
  return page;
}

/** The invitation link in the newest message to `email` in the stack's mail catcher (DATA_DIR/outbox). */
function invitationLink(email: string): string | null {
  // eslint-disable-next-line no-restricted-properties -- scripts/e2e.ts sets DATA_DIR for the stack and this process
  const dir = path.join(process.env.DATA_DIR ?? '', 'outbox');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .reverse();
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8').replace(/=\r?\n/g, '');
    if (!text.toLowerCase().includes(email)) continue;
    const match = /https?:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{20,}/.exec(text);
    if (match) return match[0];
  }
  return null;
}

test('a subcontractor is invited, submits a claim with its invoice, reads the QS’s reason for a cut, and sees it posted, then paid, with the certificate', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const [sc] = await e2eQuery<{ id: string; reference: string; vendor_id: string; project_id: string }>(
    `SELECT s.id, s.reference, s.vendor_id, s.project_id FROM subcontracts s
     WHERE s.title LIKE 'SC-1003-02%' AND s.odoo_purchase_order_id IS NOT NULL`,
  );
  expect(sc, 'the start-up pull mirrors SC-1003-02').toBeDefined();
  const email = `site.${Date.now().toString(36)}@keystone-groundworks.example`;

  // finance invites a contact from the vendor's page
  const finance = await newPage(browser, demo.finance);
  await finance.goto(`/vendors/${sc!.vendor_id}`);
  const invite = finance.getByRole('form', { name: 'Invite a contact' });
  await invite.getByLabel("Contact's name").fill('Ana Site');
  await invite.getByLabel("Contact's email").fill(email);
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(finance.getByRole('status').filter({ hasText: `Invitation sent to ${email}` })).toBeVisible();
  await expect(finance.getByTestId('portal-invitations')).toContainText('pending');
  await expect.poll(() => invitationLink(email), { timeout: 15_000 }).not.toBeNull();
  const link = invitationLink(email)!;

  // the contact sets a password: a field-level error first, then the login exists
  const sub = await newPage(browser);
  await sub.goto(link);
  const accept = sub.getByRole('form', { name: 'Accept invitation' });
  await accept.getByLabel('Choose a password').fill('keystone-site-2026');
  await accept.getByLabel('Repeat the password').fill('keystone-site-2025');
  await accept.getByRole('button', { name: 'Set password and continue' }).click();
  await expect(accept.locator('#confirmPassword-error')).toHaveText('The two passwords differ.');
  await expect(accept.getByLabel('Repeat the password')).toHaveAttribute('aria-invalid', 'true');
  await accept.getByLabel('Repeat the password').fill('keystone-site-2026');
  await accept.getByRole('button', { name: 'Set password and continue' }).click();
  await expect(sub).toHaveURL(/\/sign-in/);
  // the link works once
  const again = await newPage(browser);
  await again.goto(link);
  await expect(again.getByTestId('invitation-refused')).toContainText('already been used');
  await again.context().close();

  await signIn(sub, email, 'keystone-site-2026');
  await expect(sub).toHaveURL(/\/sub$/);
  await expect(sub.getByRole('heading', { level: 1 })).toHaveText('Your subcontracts');
  // the contractor's pages are not theirs
  await sub.goto('/claims');
  await expect(sub).toHaveURL(/\/sub$/);

  // start a claim, keep it as a draft, then submit it with the invoice and the declaration
  await sub.getByTestId('own-subcontracts').getByRole('link', { name: sc!.reference }).click();
  await expect(sub.getByTestId('own-sov')).toContainText('External hardstanding and yard slab');
  await sub.getByLabel('Period end').fill('2026-03-31');
  await sub.getByRole('button', { name: 'Start claim' }).click();
  await expect(sub.getByRole('heading', { level: 1 })).toContainText(`CLM-${sc!.reference}-`);
  const claimId = sub.url().split('/').pop()!;
  const reference = (await sub.getByRole('heading', { level: 1 }).textContent())!.trim();
  await sub.getByLabel('External hardstanding and yard slab').fill('20000.00');
  await expect(sub.getByTestId('claimed-total')).toHaveText('GBP 20,000.00');
  await sub.getByLabel('Your invoice number').fill('KGL-INV-3001');
  await sub.getByRole('button', { name: 'Save draft' }).click();
  await expect(sub.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
  await sub.reload();
  await expect(sub.getByLabel('External hardstanding and yard slab')).toHaveValue('20000.00');

  await sub.getByRole('button', { name: 'Submit claim' }).click();
  await expect(sub.locator('#declaration-error')).toHaveText('Confirm the declaration to submit the claim.');
  await sub.getByRole('checkbox').check();
  await sub.getByRole('button', { name: 'Submit claim' }).click();
  await expect(sub.getByRole('alert').filter({ hasText: 'Attach your invoice' }).first()).toBeVisible();
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Keystone Groundworks invoice KGL-INV-3001');
  const panel = sub.getByTestId('documents-panel');
  await panel.getByLabel('What it is').selectOption('invoice');
  await panel.getByLabel('File').setInputFiles({
    name: 'KGL-INV-3001.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from(await doc.save()),
  });
  await panel.getByRole('button', { name: 'Upload' }).click();
  await expect(panel.getByRole('link', { name: 'KGL-INV-3001.pdf' })).toBeVisible();
  await sub.getByRole('checkbox').check();
  await sub.getByRole('button', { name: 'Submit claim' }).click();
  await expect(sub.getByRole('status').filter({ hasText: 'Claim submitted.' })).toBeVisible();

  // the QS has it in their inbox as any claim, and certifies below it with a reason
  const qs = await newPage(browser, QS2);
  await qs.getByRole('link', { name: 'My approvals' }).click();
  await qs
    .getByTestId('inbox-list')
    .getByRole('link', { name: new RegExp(reference) })
    .click();
  await qs.waitForURL(/\/claims\/[0-9a-f-]{36}$/);
  const internalUrl = qs.url();
  // the QS sees what the subcontractor declared and their invoice number
  await expect(qs.getByTestId('claim-declared')).toBeVisible();
  await expect(qs.getByText('vendor invoice KGL-INV-3001')).toBeVisible();
  await qs.getByLabel('Line 1 certified to date').fill('18000.00');
  await qs.getByLabel('Line 1 reason').fill('Yard drainage channel not complete at the valuation date');
  await qs.getByRole('button', { name: 'Certify claim' }).click();
  await qs.getByRole('dialog').getByRole('button', { name: 'Certify', exact: true }).click();
  await expect(qs.getByText('certified', { exact: true }).first()).toBeVisible();

  await sub.reload();
  await expect(sub.getByTestId('cut-reason')).toHaveText(
    'Yard drainage channel not complete at the valuation date',
  );
  await expect(sub.getByTestId('own-claim-lines')).toContainText('GBP 18,000.00');

  const pm = await newPage(browser, PM2);
  await pm.goto(internalUrl);
  await pm.getByLabel(/Comment/).fill('Agreed');
  await pm.getByRole('button', { name: 'Approve' }).click();
  await expect(pm.getByTestId('claim-approval-timeline')).toContainText('Agreed');

  await finance.goto(internalUrl);
  await finance.getByRole('button', { name: 'Release for payment' }).click();
  await finance
    .getByRole('dialog', { name: /Release CLM-/ })
    .getByRole('button', { name: /^Release GBP/ })
    .click();
  const status = async () =>
    (
      await e2eQuery<{ status: string; odoo_bill_id: number | null }>(
        'SELECT status, odoo_bill_id FROM claims WHERE id = $1',
        [claimId],
      )
    )[0]!;
  await expect.poll(async () => (await status()).status, { timeout: 60_000 }).toBe('posted');
  await sub.reload();
  await expect(sub.getByTestId('payment-stage')).toContainText('Posted in Odoo');

  // finance pays the bill in Odoo (the simulator's payment); the next pull brings "paid"
  // eslint-disable-next-line no-restricted-properties -- set by scripts/e2e.ts for the Playwright process
  const { E2E_ODOO_URL, E2E_ODOO_API_KEY } = process.env;
  const paid = await fetch(`${E2E_ODOO_URL}/__sim/register-payment`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_ODOO_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ moveId: (await status()).odoo_bill_id }),
  });
  expect(paid.status).toBe(200);
  await finance.goto('/admin/pull-runs');
  await finance.getByRole('button', { name: 'Pull now' }).click();
  await expect.poll(async () => (await status()).status, { timeout: 60_000 }).toBe('paid');
  await sub.reload();
  await expect(sub.getByTestId('payment-stage')).toContainText(/^Paid on /);

  // the certificate: the subcontractor downloads the PDF of their own claim
  const [download] = await Promise.all([
    sub.waitForEvent('download'),
    sub.getByTestId('download-certificate').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`payment-certificate-${reference}.pdf`);
  const text = await extractPdfText(readFileSync((await download.path())!));
  expect(text).toContain(reference);
  expect(text).toContain('Yard drainage channel not complete');
});

test('a subcontractor login reaches nothing of the contractor’s: procedures, pages and other vendors’ documents', async ({
  browser,
  request,
}) => {
  const sub = await newPage(browser, demo.sub);
  await expect(sub).toHaveURL(/\/sub$/);
  const cookies = await sub.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  // the contractor's procedures answer FORBIDDEN to the role
  for (const procedure of ['claims.list', 'projects.list', 'masterData.vendors', 'portfolio.list']) {
    const response = await request.get(`/api/trpc/${procedure}`, { headers: { cookie } });
    expect(response.status(), procedure).toBe(403);
  }
  // another vendor's document: the same 404 as an unknown id
  const [other] = await e2eQuery<{ id: string }>(
    `SELECT d.id FROM documents d JOIN claims c ON c.id = d.record_id AND d.record_type = 'claim'
     JOIN subcontracts s ON s.id = c.subcontract_id JOIN partners p ON p.id = s.vendor_id
     WHERE p.ref IS DISTINCT FROM 'V-1001' LIMIT 1`,
  );
  if (other) {
    const response = await request.get(`/api/documents/${other.id}`, { headers: { cookie } });
    expect(response.status()).toBe(404);
  }
  // accepting an invitation, the one write open to someone not signed in: same origin, JSON and the
  // form's header only, refused before the token is even looked at
  const body = JSON.stringify({
    token: 'x'.repeat(43),
    name: 'X',
    password: 'a-long-password',
    confirmPassword: 'a-long-password',
  });
  for (const headers of <Record<string, string>[]>[
    { origin: 'https://evil.example', 'content-type': 'application/json', 'x-plumbline-invitation': '1' },
    { origin: appOrigin(), 'content-type': 'application/json' },
    {
      origin: appOrigin(),
      'content-type': 'application/x-www-form-urlencoded',
      'x-plumbline-invitation': '1',
    },
  ]) {
    const refused = await request.post('/api/invitations/accept', { headers, data: body });
    expect(refused.status(), JSON.stringify(headers)).toBe(403);
  }
  const unknownToken = await request.post('/api/invitations/accept', {
    headers: { origin: appOrigin(), 'content-type': 'application/json', 'x-plumbline-invitation': '1' },
    data: body,
  });
  expect(unknownToken.status()).toBe(400);
  expect(await unknownToken.text()).toContain('not valid');
  const unknown = await request.get('/api/documents/00000000-0000-4000-8000-000000000000', {
    headers: { cookie },
  });
  expect(unknown.status()).toBe(404);
});
