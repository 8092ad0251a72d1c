import { env } from '@/server/env';

/** Which Odoo this deployment talks to, for the banner on every page. The URL only, never a secret. */
export function odooModeLabel(): { simulated: boolean; configured: boolean; text: string } {
  const { ODOO_URL, ODOO_DB, ODOO_SIMULATOR } = env();
  if (ODOO_SIMULATOR) {
    return {
      simulated: true,
      configured: true,
      text: 'Demo mode: connected to the bundled Odoo simulator, not a real Odoo. Nothing here reaches your ledger.',
    };
  }
  if (ODOO_URL) {
    const host = safeHost(ODOO_URL);
    return {
      simulated: false,
      configured: true,
      text: `Connected to Odoo at ${host}${ODOO_DB ? ` (database ${ODOO_DB})` : ''}`,
    };
  }
  return {
    simulated: false,
    configured: false,
    text: 'No Odoo connection configured yet. An administrator can set one up.',
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
