import { expect, type Page } from '@playwright/test';
import { env } from '@/server/env';
import { mintSessionCookie } from '@/scripts/lib/minted-session';

export function demoPassword(): string {
  // eslint-disable-next-line no-restricted-properties -- set by scripts/e2e.ts for the Playwright process
  const password = process.env.E2E_PASSWORD;
  if (!password) throw new Error('Run the end-to-end suite with `npm run test:e2e`.');
  return password;
}

export function e2eDatabaseUrl(): string {
  // eslint-disable-next-line no-restricted-properties -- set by scripts/e2e.ts for the Playwright process
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error('Run the end-to-end suite with `npm run test:e2e`.');
  return url;
}

export function appOrigin(): string {
  return new URL(env().APP_URL ?? 'http://localhost:3100').origin;
}

export const demo = {
  admin: 'admin@northbeam.example',
  qs: 'qs@northbeam.example',
  pm: 'pm@northbeam.example',
  finance: 'finance@northbeam.example',
  exec: 'exec@northbeam.example',
  /** Keystone Groundworks' subcontractor portal login (issue 19). */
  sub: 'claims@keystone-groundworks.example',
} as const;

/** The roles that must have a second factor (server/auth/session.ts MFA_REQUIRED_ROLES). */
const MFA_ROLES = ['admin', 'finance', 'executive'];

/**
 * Signs in through the form. Admin, finance and executive need a second factor: for them the journey
 * specs prove the real code flow (e2e/security.spec.ts "second factor"), and the other specs get a
 * minted session that proved it just now, so they test their own workflow, not the authenticator.
 */
export async function signIn(page: Page, email: string, password = demoPassword()): Promise<void> {
  const [user] = await e2eQuery<{ role: string }>('SELECT role FROM users WHERE lower(email) = lower($1)', [
    email,
  ]);
  if (user && MFA_ROLES.includes(user.role) && password === demoPassword()) {
    const cookie = await sessionCookieFor(email);
    const index = cookie.indexOf('=');
    await page
      .context()
      .addCookies([{ name: cookie.slice(0, index), value: cookie.slice(index + 1), url: appOrigin() }]);
    await page.goto('/');
    await expect(page.getByTestId('signed-in-user')).toBeVisible();
    return;
  }
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
}

/** Our alerts, not Next's route announcer (which also has role=alert). */
export const ALERT = '[role=alert]:not(#__next-route-announcer__)';

export const demoPm2 = 'pm2@northbeam.example';

/** A client for the Odoo the stack runs against (the simulator in the e2e run). */
export async function odooForTests() {
  const { createOdooClient } = await import('@/server/odoo/client');
  // eslint-disable-next-line no-restricted-properties -- set by scripts/e2e.ts for the Playwright process
  const { E2E_ODOO_URL, E2E_ODOO_DB, E2E_ODOO_API_KEY } = process.env;
  if (!E2E_ODOO_URL || !E2E_ODOO_DB) throw new Error('Run the end-to-end suite with `npm run test:e2e`.');
  return createOdooClient({ url: E2E_ODOO_URL, db: E2E_ODOO_DB, login: 'admin', apiKey: E2E_ODOO_API_KEY });
}

/** The web server's session secret (scripts/e2e.ts passes it), to mint tokens the stack honours. */
export function e2eAuthSecret(): string {
  // eslint-disable-next-line no-restricted-properties -- set by scripts/e2e.ts for the Playwright process
  const secret = process.env.E2E_AUTH_SECRET;
  if (!secret) throw new Error('Run the end-to-end suite with `npm run test:e2e`.');
  return secret;
}

/** The Odoo key the stack runs with: in the e2e run, a canary that must appear nowhere. */
export function e2eOdooKey(): string {
  // eslint-disable-next-line no-restricted-properties -- set by scripts/e2e.ts for the Playwright process
  const key = process.env.E2E_ODOO_API_KEY;
  if (!key) throw new Error('Run the end-to-end suite with `npm run test:e2e`.');
  return key;
}

/** Runs one SQL statement against the stack's database. */
export async function e2eQuery<T extends Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A session cookie for `email`, minted as next-auth would at sign-in: the user id, the current session
 * version (or `sv`), a fresh session row (or `sid`) and the sign-in time (or `signedInAt`, seconds).
 * The stack re-checks all four.
 */
export async function sessionCookieFor(
  email: string,
  claims: { sv?: number; signedInAt?: number; sid?: string } = {},
): Promise<string> {
  return mintSessionCookie(e2eQuery, e2eAuthSecret(), email, claims);
}
