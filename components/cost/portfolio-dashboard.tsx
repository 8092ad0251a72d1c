'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert } from '@/components/ui/feedback';
import { CostChartsGrid } from './cost-charts-grid';
import { PortfolioTable } from './portfolio-table';

export function PortfolioDashboard() {
  const trpc = useTRPC();
  const [currency, setCurrency] = useState<string | undefined>(undefined);
  const charts = useQuery(trpc.portfolio.charts.queryOptions({ currency }));
  return (
    <div className="space-y-6">
      <PortfolioTable />
      {charts.error ? <Alert>{errorMessage(charts.error)}</Alert> : null}
      {charts.data ? (
        <>
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
        </>
      ) : (
        <p className="text-sm text-slate-500">Loading charts…</p>
      )}
    </div>
  );
}
