'use client';

import type { ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { formatDate, formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import { ChartsPlaceholder } from './charts-placeholder';
import { CostChartsGrid } from './cost-charts-lazy';
import { CostReportTable } from './cost-report-table';
import { causeLabels, causeOrder, formatPercentDisplay, methodLabels } from './labels';

function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId?: string;
}) {
  return (
    <div>
      <p className="text-xs text-slate-500">{label}</p>
      <p
        className={`tabular text-lg font-semibold ${value.startsWith('−') ? 'text-red-700' : 'text-slate-900'}`}
        data-testid={testId}
      >
        {value}
      </p>
      {hint ? <p className="text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** The project's cost to complete: headline figures, warnings, change since last month, charts, report. */
export function ProjectCost({
  projectId,
  canSnapshot,
  charts,
}: {
  projectId: string;
  canSnapshot: boolean;
  /** The charts, streamed by the page after the figures (app/(portal)/projects/[projectId]/cost/page.tsx). */
  charts: ReactNode;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const summary = useQuery(trpc.cost.summary.queryOptions({ projectId }));
  const snapshots = useQuery(trpc.cost.snapshots.queryOptions({ projectId }));
  const snapshot = useMutation(
    trpc.cost.takeSnapshot.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.cost.pathKey() }),
    }),
  );
  if (summary.error) {
    return summary.error.data?.code === 'NOT_FOUND' || summary.error.data?.code === 'BAD_REQUEST' ? (
      <EmptyState title="Project not found">It does not exist, or you are not a member of it.</EmptyState>
    ) : (
      <Alert>{errorMessage(summary.error)}</Alert>
    );
  }
  if (!summary.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const { project: p, automaticCodes, overriddenCodes, sinceBaseline } = summary.data;
  const m = (value: string) => formatMoneyDisplay(value, p.currency);
  return (
    <div className="space-y-6">
      <PageHeader
        title={`${p.projectCode} · Cost to complete`}
        description={`${p.projectName}. Every figure in ${p.currency}, from approved and pending change orders, Odoo commitments and actual cost.`}
        actions={
          canSnapshot ? (
            <Button
              variant="secondary"
              onClick={() => snapshot.mutate({ projectId })}
              disabled={snapshot.isPending}
            >
              {snapshot.isPending ? 'Taking snapshot…' : 'Take snapshot now'}
            </Button>
          ) : null
        }
      />
      {snapshot.error ? <Alert>{errorMessage(snapshot.error)}</Alert> : null}
      {snapshot.data ? <Alert tone="success">Snapshot of {snapshot.data.period} saved.</Alert> : null}
      <Card>
        <div className="grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-6" data-testid="cost-summary">
          <Figure
            label="Revised contract"
            value={m(p.revisedContract)}
            hint={`original ${m(p.originalContract)}`}
          />
          <Figure label="Revised budget" value={m(p.revisedBudget)} />
          <Figure label="Estimate at completion" value={m(p.estimateAtCompletion)} testId="project-eac" />
          <Figure
            label="Variance at completion"
            value={m(p.varianceAtCompletion)}
            hint={`projected over/under ${m(p.projectedOverUnder)}`}
          />
          <Figure
            label="Forecast margin"
            value={m(p.forecastMargin)}
            hint={formatPercentDisplay(p.forecastMarginPercent)}
          />
          <Figure label="% complete (cost)" value={formatPercentDisplay(p.percentComplete)} />
          <Figure label="Earned" value={m(p.earned)} />
          <Figure label="Billed" value={m(p.billed)} hint={`over/under billed ${m(p.overUnderBilling)}`} />
          <Figure label="Certified (subcontracts)" value={m(p.certified)} />
          <Figure label="Retention payable" value={m(p.retentionPayable)} hint="held on subcontractors" />
          <Figure label="Retention receivable" value={m(p.retentionReceivable)} hint="held by the client" />
          <Figure
            label="Pending changes"
            value={m(p.pendingChanges)}
            hint={`of which proceeding ${m(p.pendingChangesProceeding)}`}
            testId="pending-exposure"
          />
        </div>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={`Still on the automatic forecast (${automaticCodes.length})`}>
          <p className="mb-2 text-xs text-slate-600">
            The automatic method assumes what is left costs exactly its budget, so it cannot show an overrun
            on the uncommitted part. Review these codes.
          </p>
          <ul className="flex flex-wrap gap-1.5" data-testid="automatic-codes">
            {automaticCodes.map((c) => (
              <li key={c.costCodeId}>
                <Link
                  href={`/projects/${projectId}/cost/${c.costCodeId}`}
                  className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-900 hover:underline"
                >
                  {c.code} {c.name}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Forecast overrides">
          {overriddenCodes.length === 0 ? (
            <p className="text-sm text-slate-500">None: every code uses its automatic forecast.</p>
          ) : (
            <ul className="space-y-2 text-sm" data-testid="overridden-codes">
              {overriddenCodes.map((c) => (
                <li key={c.costCodeId}>
                  <Link
                    href={`/projects/${projectId}/cost/${c.costCodeId}`}
                    className="font-medium text-brand-700 hover:underline"
                  >
                    {c.code} {c.name}
                  </Link>{' '}
                  · {methodLabels[c.method] ?? c.method} {m(c.forecastToComplete)} · {c.setBy ?? 'unknown'},{' '}
                  {formatDateTime(c.setAt)}
                  {c.reason ? <p className="text-xs text-slate-600">“{c.reason}”</p> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title="What changed since the last snapshot">
        {sinceBaseline ? (
          <div className="grid gap-4 md:grid-cols-2" data-testid="eac-change">
            <div>
              <p className="text-sm text-slate-600">
                EAC {m(sinceBaseline.previousEac)} at the{' '}
                {sinceBaseline.baseline.kind === 'month_end' ? 'month-end' : 'on-demand'} snapshot of{' '}
                {formatDate(sinceBaseline.baseline.period)} → {m(sinceBaseline.currentEac)} today:{' '}
                <strong>{m(sinceBaseline.change)}</strong>
              </p>
              <dl className="mt-2 grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
                {causeOrder.map((cause) => (
                  <div key={cause} className="contents">
                    <dt className="text-slate-600">{causeLabels[cause]}</dt>
                    <dd className="tabular text-right">{m(sinceBaseline.causes[cause])}</dd>
                  </div>
                ))}
              </dl>
            </div>
            <ul className="space-y-1 text-sm">
              {sinceBaseline.codes.slice(0, 6).map((c) => (
                <li key={c.costCodeId ?? 'none'} className="flex justify-between gap-2">
                  <span>
                    {c.code} {c.name}
                  </span>
                  <span className="tabular">{m(c.change)}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="text-sm text-slate-500">
            No snapshot yet: the first month-end snapshot is taken on the 1st; take one now to start
            comparing.
          </p>
        )}
        {snapshots.data && snapshots.data.length > 0 ? (
          <p className="mt-3 text-xs text-slate-500">
            Snapshots:{' '}
            {snapshots.data
              .slice(0, 6)
              .map(
                (s) =>
                  `${s.period} (${s.kind === 'month_end' ? 'month end' : `on demand, ${s.takenBy ?? ''}`})`,
              )
              .join(' · ')}
          </p>
        ) : null}
      </Card>
      {charts}
      <section>
        <h2 className="mb-2 text-sm font-semibold text-slate-900">Cost report by cost code</h2>
        <CostReportTable projectId={projectId} />
      </section>
    </div>
  );
}

/** The project's charts (their series prefetched in their own streamed boundary). */
export function ProjectCostCharts({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const charts = useQuery(trpc.cost.charts.queryOptions({ projectId }));
  if (charts.error) return <Alert>{errorMessage(charts.error)}</Alert>;
  return charts.data ? <CostChartsGrid charts={charts.data} projectId={projectId} /> : <ChartsPlaceholder />;
}
