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
type ReadFile = (file: string) => string;

const TRANSPORTS: Record<string, OdooClientConfig['transport']> = {
  'json-2': 'json2',
  json2: 'json2',
  'json-rpc': 'jsonrpc',
  jsonrpc: 'jsonrpc',
  auto: 'auto',
};

/** A mistake in the flags, said in one line (the scripts print it and exit 2). */
export class OdooTargetError extends Error {
  override readonly name = 'OdooTargetError';
}

/** The real Odoo's client config when `--odoo-url` is given, else null (use the simulator). */
export function realOdooTarget(
  values: TargetValues,
  readFile: ReadFile = (file) => readFileSync(file, 'utf8'),
): OdooClientConfig | null {
  const url = values['odoo-url'];
  if (!url) {
    const stray = (Object.keys(ODOO_TARGET_OPTIONS) as (keyof TargetValues)[]).filter(
      (name) => values[name] !== undefined,
    );
    if (stray.length)
      throw new OdooTargetError(`--${stray[0]} needs --odoo-url (without it the bundled simulator is used)`);
    return null;
  }
  if (!/^https?:\/\/[^/]/i.test(url))
    throw new OdooTargetError(`--odoo-url must be an http:// or https:// address (got "${url}")`);
  const need = (name: keyof TargetValues) => {
    const value = values[name];
    if (!value) throw new OdooTargetError(`--${name} is required with --odoo-url`);
    return value;
  };
  const flag = values['odoo-transport'] ?? 'auto';
  const transport = TRANSPORTS[flag.toLowerCase()];
  if (!transport) throw new OdooTargetError(`--odoo-transport must be json-2 or json-rpc (got "${flag}")`);
  const secret = (name: 'odoo-api-key-file' | 'odoo-password-file') => {
    const file = values[name];
    if (!file) return undefined;
    let text: string;
    try {
      text = readFile(file).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new OdooTargetError(
        `cannot read --${name} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((error as Error).message)}`,
      );
    }
    if (!text) throw new OdooTargetError(`--${name} ${file} is empty`);
    return text;
  };
  const apiKey = secret('odoo-api-key-file');
  const password = secret('odoo-password-file');
  if (apiKey && password)
    throw new OdooTargetError('give --odoo-api-key-file or --odoo-password-file, not both');
  if (!apiKey && !password)
    throw new OdooTargetError(
      '--odoo-api-key-file (or --odoo-transport json-rpc with --odoo-password-file) is required with --odoo-url',
    );
  // JSON-2 authenticates with an API key only (Odoo 19 /json/2, Authorization: bearer <key>)
  if (password && transport === 'json2')
    throw new OdooTargetError(
      '--odoo-transport json-2 needs --odoo-api-key-file: JSON-2 does not take a password',
    );
  return {
    url,
    db: need('odoo-db'),
    login: need('odoo-login'),
    apiKey,
    password,
    transport,
    timeoutMs: 110_000,
  };
}

/** The ODOO_* variables that point a spawned worker at the same Odoo as the script. */
export function odooTargetEnv(
  target: Pick<OdooClientConfig, 'url' | 'db' | 'login' | 'apiKey' | 'password'>,
): Record<string, string | undefined> {
  return {
    ODOO_URL: target.url,
    ODOO_DB: target.db,
    ODOO_LOGIN: target.login,
    ODOO_API_KEY: target.apiKey,
    ODOO_PASSWORD: target.apiKey ? undefined : target.password,
  };
}
