import { describe, expect, it } from 'vitest';
import { runWithWork } from './context';
import { instrumentOdooFetch, metrics, resetMetrics } from './metrics';

describe('the Odoo client fetch wrapper', () => {
  it('sends the running job correlation id as X-Correlation-Id, counts the calls and times them', async () => {
    resetMetrics();
    const seen: (string | null)[] = [];
    const fetchImpl = instrumentOdooFetch(async (_url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers).get('x-correlation-id'));
      return new Response('{}', { status: 200 });
    });
    const id = '7d1c0b1e-4c59-4d0e-a6a5-3f1c2b0a9e8d';
    const calls = await runWithWork({ correlationId: id, recordType: 'claim' }, async (work) => {
      await fetchImpl('http://odoo/json/2/res.partner/search', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
      });
      await fetchImpl('http://odoo/json/2/res.partner/read', { method: 'POST' });
      return work.odooCalls;
    });
    await fetchImpl('http://odoo/web/version', { method: 'GET' });
    expect(seen).toEqual([id, id, null]);
    expect(calls).toBe(2);
    const text = await metrics().registry.metrics();
    expect(text).toContain('plumbline_odoo_call_duration_seconds_count{result="2xx"} 3');
  });
});
