'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert } from '@/components/ui/feedback';
import { ChartsPlaceholder } from './charts-placeholder';
import { CostChartsGrid } from './cost-charts-lazy';

/**
 * The portfolio's charts. The page streams them after the table (their own Suspense boundary and
 * prefetch, app/(portal)/dashboard/page.tsx): the table's figures never wait for the charts' series.
 */
export function PortfolioCharts() {
  const trpc = useTRPC();
  const [currency, setCurrency] = useState<string | undefined>(undefined);
  const charts = useQuery(trpc.portfolio.charts.queryOptions({ currency }));
  if (charts.error) return <Alert>{errorMessage(charts.error)}</Alert>;
  if (!charts.data) return <ChartsPlaceholder />;
  return (
    <div className="space-y-6">
      {charts.data.otherCurrencies.length > 0 ? (
        <label className="flex items-center gap-2 text-sm text-slate-600">
          Charts in
          <select
            value={charts.data.currency}
            onChange={(e) => setCurrency(e.target.value)}
            className="rounded border border-slate-300 px-1 py-1"
          >
            {[charts.data.currency, ...charts.data.otherCurrencies].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      ) : null}
      <CostChartsGrid charts={charts.data} />
    </div>
  );
}
