'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { PullHistory } from '@/components/pull-runs/pull-history';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert, Badge, Card, PageHeader } from '@/components/ui/feedback';
import { formatDateTime, formatMoneyDisplay, formatQuantity, formatRate } from '@/components/ui/format';
import { RetentionForm } from './retention-form';

/** A subcontract: Odoo's PO and its lines (the SOV) read-only; retention terms editable by finance. */
export function SubcontractDetail({
  subcontractId,
  canEditRetention,
}: {
  subcontractId: string;
  canEditRetention: boolean;
}) {
  const trpc = useTRPC();
  const query = useQuery(trpc.masterData.subcontract.queryOptions({ subcontractId }));
  if (!query.data)
    return query.error ? (
      <Alert>{errorMessage(query.error)}</Alert>
    ) : (
      <p className="text-sm text-slate-500">Loading…</p>
    );
  const s = query.data;
  return (
    <>
      <PageHeader
        title={`${s.reference} · ${s.title}`}
        description={
          <>
            Project{' '}
            <Link className="text-brand-700 hover:underline" href={`/projects/${s.projectId}`}>
              {s.projectCode}
            </Link>{' '}
            ·{' '}
            <Link className="text-brand-700 hover:underline" href={`/vendors/${s.vendorId}`}>
              {s.vendorName}
            </Link>{' '}
            · Odoo state {s.odooState ?? '—'} · last pulled {formatDateTime(s.lastPulledAt)}
          </>
        }
        actions={
          s.odooUrl ? (
            <a
              className="text-sm text-brand-700 hover:underline"
              href={s.odooUrl}
              target="_blank"
              rel="noreferrer"
            >
              Open in Odoo
            </a>
          ) : null
        }
      />
      <div className="grid gap-4">
        <Card title={`Schedule of values (${formatMoneyDisplay(s.scheduledAmount, s.currency)})`}>
          <table className="w-full text-sm">
            <thead>
              <tr className="border-b text-left text-slate-500">
                <th className="py-1">#</th>
                <th>Description</th>
                <th>Cost code</th>
                <th className="text-right">Scheduled value</th>
                <th className="text-right">Odoo line</th>
              </tr>
            </thead>
            <tbody>
              {s.lines.map((line) => (
                <tr key={line.id} className="border-b border-slate-100">
                  <td className="py-1">{line.lineNo}</td>
                  <td>
                    {line.description} {line.changeOrderId ? <Badge tone="blue">change order</Badge> : null}
                  </td>
                  <td>
                    {line.costCode ? (
                      `${line.costCode} ${line.costCodeName ?? ''}`
                    ) : (
                      <Badge tone="amber">
                        {line.hasDistribution
                          ? 'No cost code in distribution'
                          : 'No analytic distribution in Odoo'}
                      </Badge>
                    )}
                  </td>
                  <td className="text-right">{formatMoneyDisplay(line.scheduledAmount, s.currency)}</td>
                  <td className="text-right text-slate-500">{line.odooPurchaseLineId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <div className="grid gap-4 lg:grid-cols-2">
          <Card title="Retention terms">
            {canEditRetention ? (
              <RetentionForm terms={s} />
            ) : (
              <dl className="grid grid-cols-2 gap-2 text-sm">
                <dt className="text-slate-500">Rate</dt>
                <dd>{formatRate(s.retentionRate)}</dd>
                <dt className="text-slate-500">Materials rate</dt>
                <dd>{formatRate(s.retentionMaterialsRate)}</dd>
                <dt className="text-slate-500">Reduced rate</dt>
                <dd>
                  {s.retentionReducedRate ? formatRate(s.retentionReducedRate) : '—'}
                  {s.retentionReducedRate && s.retentionReducedAfterPercent
                    ? ` beyond ${formatQuantity(s.retentionReducedAfterPercent)} % complete`
                    : ''}
                </dd>
                <dt className="text-slate-500">Cap</dt>
                <dd>
                  {s.retentionCapBasis === 'fixed'
                    ? s.retentionCapAmount
                      ? formatMoneyDisplay(s.retentionCapAmount, s.currency)
                      : 'Fixed amount'
                    : s.retentionCapRate
                      ? `${formatRate(s.retentionCapRate)} of the ${s.retentionCapBasis} subcontract value`
                      : 'No cap'}
                </dd>
              </dl>
            )}
          </Card>
          <PullHistory entries={s.pullHistory} />
        </div>
      </div>
    </>
  );
}
