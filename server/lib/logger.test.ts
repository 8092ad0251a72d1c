import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runWithWork } from '@/server/observability/context';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info' }, stream) };
}

describe('structured logs', () => {
  it('mask secrets and personal bank data wherever they appear', () => {
    const { lines, log } = capture();
    log.info(
      {
        apiKey: 'odoo-key-SECRET1',
        vendor: {
          name: 'Keystone Piling Ltd',
          iban: 'GB33BUKB20201555555555',
          bankAccount: { accountNumber: '55555555', sortCode: '20-20-15', bic: 'BUKBGB22' },
        },
        odoo: { request: { acc_number: 'NL91ABNA0417164300' } },
        headers: { authorization: 'Bearer metrics-SECRET2' },
      },
      'vendor synced',
    );
    const text = JSON.stringify(lines);
    for (const secret of [
      'odoo-key-SECRET1',
      'GB33BUKB20201555555555',
      '55555555',
      '20-20-15',
      'BUKBGB22',
      'NL91ABNA0417164300',
      'metrics-SECRET2',
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain('Keystone Piling Ltd');
    expect(text).toContain('[redacted]');
  });

  it('carry the approval correlation id on every line written during its job', async () => {
    const { lines, log } = capture();
    const id = '0b6f6a55-9d3b-4c4e-8d8f-1f2e3d4c5b6a';
    await runWithWork({ correlationId: id, recordType: 'claim' }, async () => {
      log.info('first');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.child({ component: 'handler' }).warn('second');
    });
    log.info('outside');
    expect(lines.map((l) => l.correlationId)).toEqual([id, id, undefined]);
  });
});
