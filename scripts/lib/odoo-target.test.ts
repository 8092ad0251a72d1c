import { describe, expect, it } from 'vitest';
import { odooTargetEnv, realOdooTarget } from './odoo-target';

const files: Record<string, string> = {
  '/keys/key.txt': 'abc123\n',
  '/keys/pw.txt': 'secret\n',
  '/keys/empty.txt': '\n',
};
const readFile = (file: string) => {
  if (file in files) return files[file]!;
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: 'ENOENT' });
};
const base = {
  'odoo-url': 'https://odoo.example.com',
  'odoo-db': 'construction',
  'odoo-login': 'bench@example.com',
};

describe('--odoo-* flags of bench:sync, drill:crash and bench:odoo', () => {
  it('uses the simulator without --odoo-url', () => {
    expect(realOdooTarget({}, readFile)).toBeNull();
  });

  it('reads the API key from its file, transport auto-detected', () => {
    expect(realOdooTarget({ ...base, 'odoo-api-key-file': '/keys/key.txt' }, readFile)).toMatchObject({
      url: 'https://odoo.example.com',
      db: 'construction',
      login: 'bench@example.com',
      apiKey: 'abc123',
      password: undefined,
      transport: 'auto',
    });
  });

  it('takes a password over JSON-RPC', () => {
    const target = realOdooTarget(
      { ...base, 'odoo-transport': 'json-rpc', 'odoo-password-file': '/keys/pw.txt' },
      readFile,
    );
    expect(target).toMatchObject({ password: 'secret', apiKey: undefined, transport: 'jsonrpc' });
    expect(odooTargetEnv(target!)).toEqual({
      ODOO_URL: base['odoo-url'],
      ODOO_DB: 'construction',
      ODOO_LOGIN: 'bench@example.com',
      ODOO_API_KEY: undefined,
      ODOO_PASSWORD: 'secret',
    });
  });

  it.each([
    [
      { ...base, 'odoo-api-key-file': '/keys/missing.txt' },
      'cannot read --odoo-api-key-file /keys/missing.txt: no such file',
    ],
    [{ ...base, 'odoo-api-key-file': '/keys/empty.txt' }, '--odoo-api-key-file /keys/empty.txt is empty'],
    [
      { ...base, 'odoo-api-key-file': '/keys/key.txt', 'odoo-transport': 'soap' },
      '--odoo-transport must be json-2 or json-rpc (got "soap")',
    ],
    [
      { ...base, 'odoo-transport': 'json-2', 'odoo-password-file': '/keys/pw.txt' },
      '--odoo-transport json-2 needs --odoo-api-key-file',
    ],
    [base, '--odoo-api-key-file (or --odoo-transport json-rpc with --odoo-password-file) is required'],
    [
      { ...base, 'odoo-db': undefined, 'odoo-api-key-file': '/keys/key.txt' },
      '--odoo-db is required with --odoo-url',
    ],
    [{ 'odoo-db': 'construction' }, '--odoo-db needs --odoo-url'],
    [
      { ...base, 'odoo-url': 'odoo.example.com', 'odoo-api-key-file': '/keys/key.txt' },
      '--odoo-url must be an http:// or https:// address',
    ],
    [{ ...base, 'odoo-api-key-file': '/keys/key.txt', 'odoo-password-file': '/keys/pw.txt' }, 'not both'],
  ])('refuses %j in one clear line', (values, message) => {
    expect(() => realOdooTarget(values, readFile)).toThrow(message);
  });
});
