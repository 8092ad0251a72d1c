'use client';

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ChartFrame } from './chart-frame';
import { compactTick, moneyTooltip, palette, toPlot, type ChartSeries, type SeriesRow } from './chart-format';

type Props = {
  title: string;
  summary: string;
  data: readonly SeriesRow[];
  categoryKey: string;
  series: ChartSeries[];
  currency: string;
  /** Horizontal bars (long category labels, e.g. cost codes); one series coloured by its sign. */
  horizontal?: boolean;
  onSelect?: (row: SeriesRow) => void;
};

/** Money by category: grouped vertical bars, or horizontal bars coloured by sign (variance). */
export function MoneyBarChart({
  title,
  summary,
  data,
  categoryKey,
  series,
  currency,
  horizontal,
  onSelect,
}: Props) {
  const plotted = toPlot(
    data,
    series.map((s) => s.key),
  );
  const valueAxis = {
    tickFormatter: compactTick,
    label: {
      value: currency,
      position: horizontal ? 'insideBottomRight' : 'insideTopLeft',
      offset: horizontal ? -4 : 0,
      dy: horizontal ? 0 : -18,
      fontSize: 12,
    } as const,
    fontSize: 12,
  };
  const onClick = onSelect
    ? (entry: { payload?: SeriesRow }) => entry.payload && onSelect(entry.payload)
    : undefined;
  return (
    <ChartFrame title={title} summary={summary} empty={data.length === 0}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={plotted}
          layout={horizontal ? 'vertical' : 'horizontal'}
          margin={{ top: 20, right: 16, bottom: 4, left: horizontal ? 24 : 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          {horizontal ? (
            <>
              <XAxis type="number" {...valueAxis} />
              <YAxis type="category" dataKey={categoryKey} width={110} fontSize={12} />
              <ReferenceLine x={0} stroke="#64748b" />
            </>
          ) : (
            <>
              <XAxis dataKey={categoryKey} fontSize={12} />
              <YAxis {...valueAxis} width={64} />
            </>
          )}
          <Tooltip formatter={moneyTooltip(currency)} />
          {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {series.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              fill={s.color}
              onClick={onClick}
              cursor={onSelect ? 'pointer' : undefined}
              isAnimationActive={false}
            >
              {horizontal && series.length === 1
                ? plotted.map((row, i) => (
                    <Cell key={i} fill={Number(row[s.key]) < 0 ? palette.negative : palette.positive} />
                  ))
                : null}
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
