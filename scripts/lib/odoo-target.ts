import { readFileSync } from 'node:fs';
import type { OdooClientConfig } from '@/server/odoo/client';

/**
 * The flags that point a benchmark or drill at a real Odoo instead of the bundled simulator:
 *   --odoo-url https://odoo.example.com --odoo-db construction --odoo-login bench@example.com
 *   --odoo-api-key-file ./key.txt      (JSON-2 on 19+, JSON-RPC before)
 *   --odoo-transport json-rpc --odoo-password-file ./pw.txt
 * Secrets are read from files, never from the command line (shell history, `ps`).
 */
export const ODOO_TARGET_OPTIONS = {
  'odoo-url': { type: 'string' },
  'odoo-db': { type: 'string' },
  'odoo-login': { type: 'string' },
  'odoo-api-key-file': { type: 'string' },
  'odoo-password-file': { type: 'string' },
  'odoo-transport': { type: 'string' },
} as const;

type TargetValues = Partial<Record<keyof typeof ODOO_TARGET_OPTIONS, string | undefined>>;

/** The real Odoo's client config when `--odoo-url` is given, else null (use the simulator). */
export function realOdooTarget(values: TargetValues): OdooClientConfig | null {
  const url = values['odoo-url'];
  if (!url) return null;
  const need = (name: keyof TargetValues) => {
    const value = values[name];
    if (!value) throw new Error(`--${name} is required with --odoo-url`);
    return value;
  };
  const secret = (file: string | undefined) => (file ? readFileSync(file, 'utf8').trim() : undefined);
  const apiKey = secret(values['odoo-api-key-file']);
  const password = secret(values['odoo-password-file']);
  if (!apiKey && !password) throw new Error('--odoo-api-key-file or --odoo-password-file is required with --odoo-url');
  const transportFlag = values['odoo-transport'];
  const transport = transportFlag === 'json-rpc' || transportFlag === 'jsonrpc' ? 'jsonrpc' : transportFlag === 'json-2' || transportFlag === 'json2' ? 'json2' : 'auto';
  return { url, db: need('odoo-db'), login: need('odoo-login'), apiKey, password, transport, timeoutMs: 110_000 };
}
