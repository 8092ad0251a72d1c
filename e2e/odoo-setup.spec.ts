import { expect, test } from '@playwright/test';
import { demo, odooForTests, signIn } from './fixtures';

// issue 14 item 7: an Odoo admin's guided setup — found records, a preview that writes nothing, the matching rules
test('admin opens the guided Odoo setup, previews a retention account (nothing written), and reads how records are matched', async ({
  page,
}) => {
  const odoo = await odooForTests();
  const code = `2199${String(Date.now()).slice(-2)}`;
  await signIn(page, demo.admin);
  await page.goto('/admin/odoo');
  await page.getByRole('link', { name: 'Guided Odoo setup' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Odoo setup' })).toBeVisible();

  const card = page.locator('section', { has: page.getByRole('heading', { name: '1. Set-up records' }) });
  await card.getByRole('button', { name: 'Create a new one in Odoo…' }).first().click();
  await page.getByLabel('Account code').first().fill(code);
  await page.getByRole('button', { name: 'Preview' }).first().click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview).toContainText('Plumbline will create in Odoo');
  await expect(preview).toContainText(code);
  await expect(preview.getByRole('button', { name: 'Create in Odoo' })).toBeVisible();
  // a preview reads Odoo only
  expect(await odoo.search('account.account', [['code', '=', code]])).toEqual([]);

  await expect(page.getByRole('heading', { name: '2. How Odoo records are matched' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Plumbline projects and their Odoo links' })).toBeVisible();
  await expect(page.getByText('P-1001').first()).toBeVisible();
});
