'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import type { CostCodeRow } from '@/server/modules/cost/cost.schemas';
import { CostRecordsTable } from './cost-records-table';
import { methodText } from './cost-report-table';
import { ForecastForm } from './forecast-form';
import { formatPercentDisplay } from './labels';

const figures: [keyof CostCodeRow, string][] = [
  ['originalBudget', 'Original budget (OB)'],
  ['budgetTransfers', 'Budget transfers (BT)'],
  ['approvedChanges', 'Approved changes (ACO)'],
  ['revisedBudget', 'Revised budget (RB)'],
  ['pendingChanges', 'Pending changes (PBC)'],
  ['pendingChangesProceeding', 'of which proceeding'],
  ['projectedBudget', 'Projected budget (PB)'],
  ['committed', 'Committed (CC)'],
  ['pendingCommitmentChanges', 'Pending commitment changes (PCC)'],
  ['uncommitted', 'Uncommitted'],
  ['actual', 'Actual (AC)'],
  ['directCost', 'Direct cost (DC)'],
  ['forecastToComplete', 'Forecast to complete (FTC)'],
  ['estimateAtCompletion', 'Estimate at completion (EAC)'],
  ['varianceAtCompletion', 'Variance at completion (VAC)'],
  ['projectedOverUnder', 'Projected over/under'],
];

export function CostCodeDetail({
  projectId,
  costCodeId,
  canOverride,
}: {
  projectId: string;
  costCodeId: string;
  canOverride: boolean;
}) {
  const trpc = useTRPC();
  const code = useQuery(trpc.cost.code.queryOptions({ projectId, costCodeId }));
  if (code.error) {
    return code.error.data?.code === 'NOT_FOUND' || code.error.data?.code === 'BAD_REQUEST' ? (
      <EmptyState title="Cost code not found">
        It does not exist, or you are not a member of its project.
      </EmptyState>
    ) : (
      <Alert>{errorMessage(code.error)}</Alert>
    );
  }
  if (!code.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const row = code.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={`${row.code} · ${row.name}`}
        description={
          <Link href={`/projects/${projectId}/cost`} className="text-brand-700 hover:underline">
            ← Cost report
          </Link>
        }
      />
      {row.isAutomaticMethod ? (
        <Alert tone="warning">
          This code is on the automatic forecast: it assumes the uncommitted remainder costs exactly its
          budget and cannot show an overrun there.
        </Alert>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Cost to complete">
          <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm" data-testid="cost-code-figures">
            {figures.map(([key, label]) => (
              <div key={key} className="contents">
                <dt className="text-slate-600">{label}</dt>
                <dd className="tabular text-right">{formatMoneyDisplay(row[key] as string, row.currency)}</dd>
              </div>
            ))}
            <dt className="text-slate-600">% complete (cost)</dt>
            <dd className="tabular text-right">{formatPercentDisplay(row.percentComplete)}</dd>
          </dl>
        </Card>
        <Card title="Forecast">
          <p className="text-sm">
            <strong>{methodText(row)}</strong>
            {row.cpi ? ` · CPI ${row.cpi}` : ''}
          </p>
          {row.forecastReason ? <p className="mt-1 text-sm text-slate-600">“{row.forecastReason}”</p> : null}
          {row.forecastSetAt ? (
            <p className="mt-1 text-xs text-slate-500">
              Set {formatDateTime(row.forecastSetAt)} by {row.forecastSetBy}
            </p>
          ) : null}
          {canOverride ? (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <ForecastForm key={row.forecastVersion} row={row} />
            </div>
          ) : null}
        </Card>
        <Card title="Where the numbers come from">
          <ul className="list-disc space-y-1 pl-4 text-sm text-slate-600">
            <li>Transfers and approved changes: approved change orders.</li>
            <li>Pending changes: change orders not yet approved, drafts included.</li>
            <li>Committed: subcontract SOV lines, with approved commitment COs.</li>
            <li>Actual and direct cost: Odoo analytic lines; a commitment&apos;s bills count once.</li>
          </ul>
        </Card>
      </div>
      <section>
        <h2 className="mb-2 text-sm font-semibold text-slate-900">Records behind these numbers</h2>
        <CostRecordsTable projectId={projectId} costCodeId={costCodeId} />
      </section>
    </div>
  );
}
