import { describe, expect, it } from 'vitest';
import { smokeVerdict } from './smoke-verdict';

describe('smoke verdict', () => {
  it('is ok only for a run that exited 0 with a JSON line that did not miss its target', () => {
    expect(smokeVerdict(0, '{"pass":true,"p95":12}')).toBe('ok');
    expect(smokeVerdict(0, '{"records":40}')).toBe('ok');
  });
  it('says "target missed" for a JSON line with pass false, whatever the exit code', () => {
    expect(smokeVerdict(0, '{"pass":false}')).toBe('target missed');
    expect(smokeVerdict(1, '{"pass":false}')).toBe('target missed');
  });
  it('fails a run without a JSON last line, or one that crashed after printing JSON', () => {
    expect(smokeVerdict(0, 'done')).toBe('fail');
    expect(smokeVerdict(null, '')).toBe('fail');
    expect(smokeVerdict(1, '{"records":40}')).toBe('fail');
    expect(smokeVerdict(0, '42')).toBe('fail');
  });
  it('fails a run whose requests failed, even when it also missed its latency target', () => {
    expect(smokeVerdict(1, '{"pass":false,"errors":300}')).toBe('fail');
    expect(smokeVerdict(0, '{"pass":false,"errors":0}')).toBe('target missed');
  });
  it('fails a run that measured a wrong result, fast or slow', () => {
    expect(smokeVerdict(1, '{"pass":false,"correct":false}')).toBe('fail');
    expect(smokeVerdict(0, '{"pass":true,"correct":false}')).toBe('fail');
    expect(smokeVerdict(1, '{"pass":false,"correct":true}')).toBe('target missed');
  });
});
