'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { CountBarChart } from '@/components/charts/count-bar-chart';
import { MoneyBarChart } from '@/components/charts/money-bar-chart';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert } from '@/components/ui/feedback';
import { formatMoneyDisplay } from '@/components/ui/format';
import { AGE_BUCKETS } from '@/server/modules/exceptions/exception.calc';

const categories = [
  { key: 'sync_failure', label: 'Sync failure', color: '#dc2626' },
  { key: 'rule_breach', label: 'Rule breach', color: '#f59e0b' },
  { key: 'pull_mapping', label: 'Pull mapping', color: '#7c3aed' },
  { key: 'reconciliation_drift', label: 'Reconciliation drift', color: '#2563eb' },
];

/** Finance's landing page: the open queue by category and age, with the money at stake. */
export function FinanceHome() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.exceptions.summary.queryOptions());
  const me = useQuery(trpc.session.me.queryOptions());
  // each figure opens the queue filtered to exactly what it counts (filters are URL parameters)
  const queue = (params: Record<string, string>) =>
    `/exceptions?${new URLSearchParams({ status: 'open', ...params }).toString()}`;
  const data = summary.data;
  const cell = (category: string, bucket: string) =>
    data?.cells.find((c) => c.category === category && c.ageBucket === bucket);
  return (
    <div className="space-y-4">
      {summary.error ? <Alert>{errorMessage(summary.error)}</Alert> : null}
      <p className="text-sm text-slate-700">
        <strong>{data?.totalCount ?? 0}</strong> open exceptions,{' '}
        <strong>{formatMoneyDisplay(data?.totalAtStake ?? null)}</strong> at stake;{' '}
        <Link
          href={me.data ? queue({ assigneeId: me.data.id }) : queue({})}
          className="text-brand-700 underline underline-offset-2"
        >
          {data?.assignedToMe ?? 0} assigned to you
        </Link>
        .
      </p>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full text-sm" data-testid="queue-ageing">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left">
                Category
              </th>
              {AGE_BUCKETS.map((b) => (
                <th key={b.value} scope="col" className="px-3 py-2 text-right">
                  {b.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((category) => (
              <tr key={category.key}>
                <th scope="row" className="px-3 py-2 text-left font-normal">
                  <Link href={queue({ category: category.key })} className="text-brand-700 hover:underline">
                    {category.label}
                  </Link>
                </th>
                {AGE_BUCKETS.map((b) => {
                  const found = cell(category.key, b.value);
                  return (
                    <td key={b.value} className="tabular whitespace-nowrap px-3 py-2 text-right">
                      {found ? (
                        <Link
                          href={queue({ category: category.key, ageBucket: b.value })}
                          className="text-brand-700 hover:underline"
                        >
                          {found.count} · {formatMoneyDisplay(found.amountAtStake)}
                          <span className="sr-only">
                            {' '}
                            ({category.label}, {b.label})
                          </span>
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <CountBarChart
          title="Open exceptions by age"
          summary="Open exceptions per ageing bucket, stacked by category."
          data={data?.countSeries ?? []}
          categoryKey="bucket"
          series={categories}
          axisLabel="exceptions"
        />
        <MoneyBarChart
          title="Money at stake by age"
          summary="Amount at stake per ageing bucket and category."
          data={data?.moneySeries ?? []}
          categoryKey="bucket"
          series={categories}
          currency="GBP"
        />
      </div>
    </div>
  );
}
