'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from './chart-frame';
import { compactTick, moneyTooltip, toPlot, type ChartSeries, type SeriesRow } from './chart-format';

type Props = {
  title: string;
  summary: string;
  data: readonly SeriesRow[];
  categoryKey: string;
  series: ChartSeries[];
  currency: string;
};

/** Money over time (months on the x axis), one line per series. */
export function MoneyLineChart({ title, summary, data, categoryKey, series, currency }: Props) {
  const plotted = toPlot(
    data,
    series.map((s) => s.key),
  );
  return (
    <ChartFrame title={title} summary={summary} empty={data.length === 0}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={plotted} margin={{ top: 20, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey={categoryKey} fontSize={12} />
          <YAxis
            tickFormatter={compactTick}
            width={64}
            fontSize={12}
            label={{ value: currency, position: 'insideTopLeft', dy: -18, fontSize: 12 }}
          />
          <Tooltip formatter={moneyTooltip(currency)} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeWidth={2}
              dot={{ r: 3 }}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
