'use client';

import { useQuery } from '@tanstack/react-query';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert, Card } from '@/components/ui/feedback';
import { formatDateTime, formatMoneyDisplay } from '@/components/ui/format';

const workflowLabel: Record<string, string> = {
  change_order: 'Change orders',
  claim: 'Claims',
  milestone: 'Milestones',
  exceptions: 'Exceptions (unowned)',
};

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);
const burn = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(0)} %` : 'exhausted');

/** What the integration is holding up, in finance's terms; the SLOs with their burn; open alerts. */
export function OperationsPanel() {
  const trpc = useTRPC();
  const kpis = useQuery({ ...trpc.operations.kpis.queryOptions(), refetchInterval: 30_000 });
  const slos = useQuery({ ...trpc.operations.slos.queryOptions(), refetchInterval: 30_000 });
  const alerts = useQuery({ ...trpc.operations.alerts.queryOptions({ limit: 20 }), refetchInterval: 30_000 });
  const open = (alerts.data ?? []).filter((a) => a.status === 'open');
  return (
    <div className="space-y-4">
      {kpis.error ? <Alert>{errorMessage(kpis.error)}</Alert> : null}
      <section
        aria-label="Business KPIs"
        data-testid="kpi-panel"
        className="grid grid-cols-1 gap-3 md:grid-cols-4"
      >
        {(kpis.data ?? []).map((kpi) => (
          <div
            key={kpi.key}
            data-testid={`kpi-${kpi.key}`}
            className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
          >
            <div className="text-xs text-slate-500">
              {kpi.label} <span className="italic">({kpi.financeTerm})</span>
            </div>
            <div className="tabular text-lg font-semibold text-slate-900" data-testid="kpi-count">
              {kpi.count}
            </div>
            <div className="tabular text-sm text-slate-700" data-testid="kpi-amount">
              {formatMoneyDisplay(kpi.amount)} at stake
            </div>
            <div className="text-xs text-slate-500">
              {kpi.oldestDays === null ? 'none waiting' : `oldest ${kpi.oldestDays.toFixed(1)} days`}
            </div>
          </div>
        ))}
      </section>
      <Card title="Service level objectives">
        <table className="w-full text-sm" data-testid="slo-table">
          <thead>
            <tr className="text-left text-xs text-slate-500">
              <th>Workflow</th>
              <th>Objective</th>
              <th className="text-right">Judged</th>
              <th className="text-right">Missed</th>
              <th className="text-right">Compliance</th>
              <th className="text-right">Error budget used</th>
            </tr>
          </thead>
          <tbody>
            {(slos.data ?? []).map((slo) => (
              <tr key={slo.workflow} className={slo.budgetBurn >= 1 ? 'text-red-700' : ''}>
                <td>{workflowLabel[slo.workflow] ?? slo.workflow}</td>
                <td>
                  {slo.workflow === 'exceptions'
                    ? `none unowned past ${slo.threshold} business days`
                    : `${slo.objectivePercent} % reach Odoo within ${slo.threshold} min (${slo.windowDays} days)`}
                </td>
                <td className="tabular text-right">{slo.total}</td>
                <td className="tabular text-right">{slo.bad}</td>
                <td className="tabular text-right">{pct(slo.compliance)}</td>
                <td className="tabular text-right">{burn(slo.budgetBurn)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={`Alerts (${open.length} open)`}>
        {alerts.data && alerts.data.length === 0 ? (
          <p className="text-sm text-slate-500">No alerts.</p>
        ) : null}
        <ul className="space-y-1 text-sm" data-testid="alert-list">
          {(alerts.data ?? []).map((a) => (
            <li key={a.id} className={a.status === 'open' ? 'text-red-700' : 'text-slate-500'}>
              <span className="font-medium">
                {a.status === 'open' ? a.severity.toUpperCase() : 'resolved'}
              </span>{' '}
              {a.title} — {a.detail}{' '}
              <span className="text-xs">
                ({formatDateTime(a.openedAt)}
                {a.resolvedAt ? ` → ${formatDateTime(a.resolvedAt)}` : ''})
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
