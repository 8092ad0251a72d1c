'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from './chart-frame';
import type { ChartSeries, SeriesRow } from './chart-format';

type Props = {
  title: string;
  summary: string;
  data: readonly SeriesRow[];
  categoryKey: string;
  series: ChartSeries[];
  axisLabel: string;
};

/** Side-by-side (not stacked) bars of plain numbers, e.g. latency p50 and p95 per record type. */
export function GroupedBarChart({ title, summary, data, categoryKey, series, axisLabel }: Props) {
  return (
    <ChartFrame title={title} summary={summary} empty={data.length === 0}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...data]} margin={{ top: 20, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey={categoryKey} fontSize={12} />
          <YAxis
            width={48}
            fontSize={12}
            label={{ value: axisLabel, position: 'insideTopLeft', dy: -18, fontSize: 12 }}
          />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
