/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function toCsv(header: string[], rows: string[][]): string {
  const escape = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((row) => row.map(escape).join(',')).join('\r\n') + '\r\n';
}

export function downloadCsv(fileName: string, content: string): void {
  const blob = new Blob([content], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

const MONEY = /^(−|-)?([A-Z]{3}) ([\d,]+\.\d{2})$/;

/**
 * Money cells leave the table as numbers a spreadsheet can sum: "GBP 8,500.00" → 8500.00, "−GBP 12.50"
 * → -12.50, with one "Currency" column added after the first money column (a row whose money cells
 * disagree on the currency keeps its text). Display text stays the table's formatter; only the CSV
 * changes, at this boundary, as strings (no float is ever made).
 */
export function moneyAsNumbers(header: string[], rows: string[][]): { header: string[]; rows: string[][] } {
  const moneyColumns = header.map(
    (_, i) =>
      rows.some((row) => MONEY.test(row[i] ?? '')) &&
      rows.every((row) => MONEY.test(row[i] ?? '') || ['', '—', '-'].includes(row[i] ?? '')),
  );
  const first = moneyColumns.indexOf(true);
  if (first < 0) return { header, rows };
  const out = rows.map((row) => {
    const currencies = new Set(
      row.flatMap((cell, i) => (moneyColumns[i] ? [MONEY.exec(cell)?.[2]].filter(Boolean) : [])),
    );
    if (currencies.size > 1) return [...row.slice(0, first + 1), '', ...row.slice(first + 1)];
    const cells = row.map((cell, i) => {
      if (!moneyColumns[i]) return cell;
      const match = MONEY.exec(cell);
      return match ? `${match[1] ? '-' : ''}${match[3]!.replace(/,/g, '')}` : '';
    });
    return [...cells.slice(0, first + 1), [...currencies][0] ?? '', ...cells.slice(first + 1)];
  });
  return { header: [...header.slice(0, first + 1), 'Currency', ...header.slice(first + 1)], rows: out };
}
