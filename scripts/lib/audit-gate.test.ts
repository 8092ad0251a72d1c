import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerdict, runAudit } from './audit-gate';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the npm audit gate (.ci/run → scripts/audit-gate.ts)', () => {
  it('judges npm audit outputs', () => {
    expect(auditVerdict(0, 'found 0 vulnerabilities').gate).toBe('pass');
    expect(
      auditVerdict(1, '# npm audit report\n\npg  *\nSeverity: high\n1 high severity vulnerability').gate,
    ).toBe('fail');
    expect(
      auditVerdict(
        1,
        'npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk\nnpm error audit endpoint returned an error',
      ).gate,
    ).toBe('unavailable');
    expect(auditVerdict(1, 'npm error code ENOTFOUND\nnpm error network request failed').gate).toBe('fail');
  });

  // each case runs the real npm client (a few seconds, far more on a loaded 2-core machine): no 5 s default
  describe(
    'with the real npm client against a registry that has an audit endpoint',
    { timeout: 120_000 },
    () => {
      let answer: { status: number; body: unknown } = { status: 200, body: {} };
      let server: http.Server;
      let registry = '';
      beforeAll(async () => {
        server = http.createServer((req, res) => {
          req.resume();
          req.on('end', () => {
            if (req.method === 'POST' && req.url?.includes('/-/npm/v1/security/advisories/bulk')) {
              res.writeHead(answer.status, { 'content-type': 'application/json' });
              res.end(JSON.stringify(answer.body));
            } else {
              res.writeHead(404).end();
            }
          });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        registry = `--registry=http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      });
      afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

      it('fails CI on a high advisory against a production dependency', async () => {
        answer = {
          status: 200,
          body: {
            pg: [
              {
                id: 1,
                url: 'https://example.invalid/GHSA-test',
                title: 'Test advisory',
                severity: 'high',
                vulnerable_versions: '>=0.0.0',
                cwe: [],
                cvss: { score: 7.5, vectorString: null },
              },
            ],
          },
        };
        const verdict = await runAudit(repoRoot, [registry]);
        expect(verdict.gate, verdict.output).toBe('fail');
      });

      it('passes with no advisory, and only reports (does not pass or fail) when the endpoint is missing', async () => {
        answer = { status: 200, body: {} };
        expect((await runAudit(repoRoot, [registry])).gate).toBe('pass');
        answer = { status: 405, body: { error: 'Method Not Allowed' } };
        expect((await runAudit(repoRoot, [registry])).gate).toBe('unavailable');
      });
    },
  );
});
