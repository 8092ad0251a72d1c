import { describe, expect, it } from 'vitest';
import { moneyAsNumbers, toCsv } from './csv';

describe('toCsv', () => {
  it('quotes separators, quotes and newlines', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', 'plain'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",plain\r\n');
  });

  it('neutralises spreadsheet formulas but keeps negative numbers', () => {
    expect(toCsv(['v'], [['=HYPERLINK("x")'], ['-1250.50'], ['@SUM(A1)']])).toBe(
      'v\r\n"\'=HYPERLINK(""x"")"\r\n-1250.50\r\n\'@SUM(A1)\r\n',
    );
  });
});

describe('moneyAsNumbers', () => {
  it('turns money text into numbers with a currency column after the first money column', () => {
    const { header, rows } = moneyAsNumbers(
      ['Ref', 'Due', 'Held'],
      [
        ['CLM-1', 'GBP 8,500.00', '−GBP 12.50'],
        ['CLM-2', '—', 'GBP 1,000,000.00'],
      ],
    );
    expect(header).toEqual(['Ref', 'Due', 'Currency', 'Held']);
    expect(rows).toEqual([
      ['CLM-1', '8500.00', 'GBP', '-12.50'],
      ['CLM-2', '', 'GBP', '1000000.00'],
    ]);
    expect(toCsv(header, rows)).toContain('CLM-1,8500.00,GBP,-12.50');
  });

  it('leaves tables without money alone', () => {
    expect(moneyAsNumbers(['A'], [['x']])).toEqual({ header: ['A'], rows: [['x']] });
  });
});
