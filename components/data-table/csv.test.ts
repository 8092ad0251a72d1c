import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes separators, quotes and newlines', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', 'plain']])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",plain\r\n',
    );
  });

  it('neutralises spreadsheet formulas but keeps negative numbers', () => {
    expect(toCsv(['v'], [['=HYPERLINK("x")'], ['-1250.50'], ['@SUM(A1)']])).toBe(
      'v\r\n"\'=HYPERLINK(""x"")"\r\n-1250.50\r\n\'@SUM(A1)\r\n',
    );
  });
});
