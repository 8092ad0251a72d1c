import { describe, expect, it } from 'vitest';
import { columnPrefsKey, parseHidden } from './column-prefs';

describe('column preferences', () => {
  it('are keyed per user and per table', () => {
    expect(columnPrefsKey('u1', 'cost-report')).toBe('plumbline.columns.v1.u1.cost-report');
    expect(columnPrefsKey('u2', 'cost-report')).not.toBe(columnPrefsKey('u1', 'cost-report'));
  });

  it('read back the hidden column ids and nothing else', () => {
    expect(parseHidden('["committed","actual"]')).toEqual(['committed', 'actual']);
    expect(parseHidden('["committed",3,null]')).toEqual(['committed']);
  });

  it('fall back to every column shown on anything unreadable', () => {
    expect(parseHidden(null)).toEqual([]);
    expect(parseHidden('')).toEqual([]);
    expect(parseHidden('{not json')).toEqual([]);
    expect(parseHidden('{"committed":false}')).toEqual([]);
  });
});
