import { formatMoneyDisplay } from '@/components/ui/format';

/**
 * Display helpers for the chart wrappers. Series arrive as decimal strings from the server; a chart
 * needs a number only to place a mark, so `toPlot` converts for plotting and keeps the exact string
 * beside it for the tooltip. Nothing is added up here.
 */
export type SeriesRow = Record<string, string | number | boolean | null>;
export type ChartSeries = { key: string; label: string; color: string };

export const palette = {
  budget: '#94a3b8',
  eac: '#2563eb',
  positive: '#16a34a',
  negative: '#dc2626',
  billed: '#7c3aed',
  cost: '#ea580c',
  margin: '#0f766e',
};

export function toPlot(rows: readonly SeriesRow[], keys: readonly string[]): SeriesRow[] {
  return rows.map((row) => {
    const plotted: SeriesRow = { ...row };
    for (const key of keys) {
      const value = row[key];
      plotted[`${key}__text`] = value === null || value === undefined ? null : String(value);
      plotted[key] = value === null || value === undefined ? null : Number(value);
    }
    return plotted;
  });
}

/** Axis ticks: 1,250,000 → "1.25m", 48,000 → "48k" (the axis label names the currency). */
export function compactTick(value: number): string {
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  if (abs >= 1_000_000) return `${sign}${trim(abs / 1_000_000)}m`;
  if (abs >= 1_000) return `${sign}${trim(abs / 1_000)}k`;
  return `${sign}${trim(abs)}`;
}

function trim(value: number): string {
  return value.toFixed(2).replace(/\.?0+$/, '');
}

/** The tooltip shows the server's exact string, formatted, never the plotted number. */
export function moneyTooltip(currency: string) {
  return (_value: unknown, name: unknown, item: { payload?: SeriesRow; dataKey?: unknown }) => {
    const text = item.payload?.[`${String(item.dataKey)}__text`];
    return [formatMoneyDisplay(typeof text === 'string' ? text : null, currency), String(name)] as [
      string,
      string,
    ];
  };
}
