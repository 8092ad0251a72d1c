'use client';

import { DocumentsPanel } from '@/components/documents/documents-panel';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { RecordTabs } from '@/components/sync/record-tabs';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { Field, Textarea } from '@/components/ui/field';
import { formatDateTime, formatMoneyDisplay, formatQuantity } from '@/components/ui/format';
import { kindLabels, reasonLabels, statusTones } from './labels';

export function ChangeOrderDetail({
  projectId,
  changeOrderId,
}: {
  projectId: string;
  changeOrderId: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const detail = useQuery(trpc.changeOrders.get.queryOptions({ changeOrderId }));
  const refresh = async () => {
    setComment('');
    await queryClient.invalidateQueries({ queryKey: trpc.changeOrders.pathKey() });
  };
  const options = { onSuccess: refresh };
  const submit = useMutation(trpc.changeOrders.submit.mutationOptions(options));
  const approve = useMutation(trpc.changeOrders.approve.mutationOptions(options));
  const reject = useMutation(trpc.changeOrders.reject.mutationOptions(options));
  const voidCo = useMutation(trpc.changeOrders.void.mutationOptions(options));
  const proceeding = useMutation(trpc.changeOrders.setProceeding.mutationOptions(options));
  const revise = useMutation(
    trpc.changeOrders.revise.mutationOptions({
      onSuccess: (result) => router.push(`/projects/${projectId}/change-orders/${result.id}`),
    }),
  );
  const error =
    submit.error ?? approve.error ?? reject.error ?? voidCo.error ?? proceeding.error ?? revise.error;
  const pending =
    submit.isPending || approve.isPending || reject.isPending || voidCo.isPending || revise.isPending;

  if (detail.error)
    return (
      <EmptyState title="Change order not found">
        It does not exist, or it belongs to a project you are not a member of.
      </EmptyState>
    );
  if (!detail.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const co = detail.data;
  const currency = co.project.currency;
  const base = { changeOrderId, version: co.version };
  const can = (action: string) => co.actions.includes(action);
  const title = `${co.reference}${co.revision > 1 ? ` rev ${co.revision}` : ''} · ${co.title}`;

  return (
    <>
      <PageHeader
        title={title}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={statusTones[co.status]}>{co.status}</Badge>
            {co.isProceeding ? <Badge tone="amber">proceeding</Badge> : null}
            <span>
              {kindLabels[co.kind]} · {reasonLabels[co.reason]} · raised by {co.creatorName} ·{' '}
              {co.scheduleImpactDays} days schedule impact
            </span>
          </span>
        }
        actions={
          can('edit') ? (
            <Link
              href={`/projects/${projectId}/change-orders/${changeOrderId}/edit`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
            >
              Edit draft
            </Link>
          ) : null
        }
      />
      <RecordTabs recordType="change_order" recordId={changeOrderId}>
        <div className="space-y-4">
          {error ? <Alert>{errorMessage(error)}</Alert> : null}
          {co.actions.some((a) => ['submit', 'approve', 'reject', 'void', 'revise'].includes(a)) ? (
            <Card title="Your action">
              <div className="space-y-3" data-testid="co-actions">
                {can('approve') || can('reject') || can('void') ? (
                  <Field label="Comment (required to reject or void)" htmlFor="co-comment">
                    <Textarea
                      id="co-comment"
                      rows={2}
                      value={comment}
                      onChange={(e) => setComment(e.target.value)}
                      maxLength={2000}
                    />
                  </Field>
                ) : null}
                <div className="flex flex-wrap gap-2">
                  {can('submit') ? (
                    <Button disabled={pending} onClick={() => submit.mutate(base)}>
                      Submit for approval
                    </Button>
                  ) : null}
                  {can('approve') ? (
                    <Button
                      disabled={pending}
                      onClick={() => approve.mutate({ ...base, comment: comment || undefined })}
                    >
                      Approve
                    </Button>
                  ) : null}
                  {can('reject') ? (
                    <Button
                      variant="danger"
                      disabled={pending}
                      onClick={() => reject.mutate({ ...base, comment })}
                    >
                      Reject
                    </Button>
                  ) : null}
                  {can('revise') ? (
                    <Button variant="secondary" disabled={pending} onClick={() => revise.mutate(base)}>
                      Revise as new revision
                    </Button>
                  ) : null}
                  {can('void') ? (
                    <Button
                      variant="secondary"
                      disabled={pending}
                      onClick={() => voidCo.mutate({ ...base, comment })}
                    >
                      Void
                    </Button>
                  ) : null}
                </div>
              </div>
            </Card>
          ) : null}
          <div className="grid gap-4 md:grid-cols-3">
            <Card title="Cost change">
              <p className="tabular text-lg font-semibold" data-testid="co-cost-total">
                {formatMoneyDisplay(co.costTotalAmount, currency)}
              </p>
            </Card>
            <Card title="Sell (client)">
              <p className="tabular text-lg font-semibold">
                {co.sellTotalAmount ? formatMoneyDisplay(co.sellTotalAmount, currency) : 'n/a'}
              </p>
            </Card>
            <Card title={co.subcontract ? 'Subcontract' : 'Odoo sync'}>
              {co.subcontract ? (
                <p className="text-sm">
                  {co.subcontract.reference} · {co.subcontract.vendorName}
                </p>
              ) : null}
              <Badge tone={statusTones[co.syncStatus]}>{co.syncStatus.replace('_', ' ')}</Badge>
            </Card>
          </div>
          {co.description ? (
            <Card title="Description">
              <p className="whitespace-pre-wrap text-sm">{co.description}</p>
            </Card>
          ) : null}
          <Card title="Lines">
            <table className="min-w-full text-sm" data-testid="co-lines">
              <thead>
                <tr className="text-left text-slate-500">
                  <th className="py-1">#</th>
                  <th className="py-1">Cost code</th>
                  <th className="py-1">Description</th>
                  <th className="py-1 text-right">Qty</th>
                  <th className="py-1">Unit</th>
                  <th className="py-1 text-right">Unit cost</th>
                  <th className="py-1 text-right">Cost</th>
                  {co.kind === 'client' ? <th className="py-1 text-right">Sell</th> : null}
                </tr>
              </thead>
              <tbody>
                {co.lines.map((line) => (
                  <tr key={line.id} className="border-t border-slate-100">
                    <td className="py-1.5">{line.lineNo}</td>
                    <td className="py-1.5 font-mono">{line.costCode}</td>
                    <td className="py-1.5">{line.description}</td>
                    <td className="tabular py-1.5 text-right">{formatQuantity(line.quantity)}</td>
                    <td className="py-1.5">{line.unit}</td>
                    <td className="tabular py-1.5 text-right">
                      {formatMoneyDisplay(line.unitCostAmount, currency)}
                    </td>
                    <td className="tabular py-1.5 text-right">
                      {formatMoneyDisplay(line.costAmount, currency)}
                    </td>
                    {co.kind === 'client' ? (
                      <td className="tabular py-1.5 text-right">
                        {formatMoneyDisplay(line.sellAmount, currency)}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <div className="grid gap-4 md:grid-cols-2">
            <Card title="Approval">
              <ol className="space-y-2 text-sm" data-testid="co-approval-timeline">
                <li className="text-xs text-slate-600" data-testid="co-routing">
                  Routing amount {formatMoneyDisplay(co.approval.routingAmount, currency)}:{' '}
                  {co.approval.routingReason}
                  {co.approval.routeFixed ? '' : ' (provisional: the route is fixed at submit)'}
                </li>
                {co.approval.route.map((step) => {
                  const decision = co.decisions.find((d) => d.step === step.step);
                  return (
                    <li key={step.step} className="flex items-start justify-between gap-2">
                      <span>
                        {step.step}. {step.label}
                        {decision?.comment ? (
                          <span className="block text-xs text-slate-500">“{decision.comment}”</span>
                        ) : null}
                      </span>
                      {decision ? (
                        <span className="text-right text-xs">
                          <Badge tone={decision.decision === 'approved' ? 'green' : 'red'}>
                            {decision.decision}
                          </Badge>
                          <span className="block text-slate-500">
                            {decision.deciderName}, {formatDateTime(decision.decidedAt)}
                          </span>
                        </span>
                      ) : (
                        <Badge>waiting</Badge>
                      )}
                    </li>
                  );
                })}
                {co.approval.pendingStep && !co.approval.canAct && co.approval.whyNot ? (
                  <li className="text-xs text-slate-500" data-testid="co-why-not">
                    Waiting for {co.approval.pendingStep.label}. {co.approval.whyNot}
                  </li>
                ) : null}
              </ol>
              {can('set_proceeding') ? (
                <label className="mt-3 flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={co.isProceeding}
                    onChange={(e) => proceeding.mutate({ ...base, isProceeding: e.target.checked })}
                  />
                  Work is proceeding before approval
                </label>
              ) : null}
            </Card>
            <Card title="Documents and revisions">
              <ul className="space-y-1 text-sm">
                {co.documents.map((doc) => (
                  <li key={doc.id}>
                    <a
                      href={doc.url}
                      rel="noopener noreferrer nofollow"
                      target="_blank"
                      className="text-brand-700 hover:underline"
                    >
                      {doc.title}
                    </a>
                  </li>
                ))}
                {co.documents.length === 0 ? <li className="text-slate-500">No documents linked.</li> : null}
              </ul>
              {co.revisions.length > 1 ? (
                <ul className="mt-3 space-y-1 border-t border-slate-100 pt-2 text-sm">
                  {co.revisions.map((r) => (
                    <li key={r.id}>
                      <Link
                        href={`/projects/${projectId}/change-orders/${r.id}`}
                        className={
                          r.id === changeOrderId ? 'font-semibold' : 'text-brand-700 hover:underline'
                        }
                      >
                        Revision {r.revision}
                      </Link>{' '}
                      · {r.status}
                    </li>
                  ))}
                </ul>
              ) : null}
            </Card>
          </div>
        </div>
      </RecordTabs>
      <div className="mt-6 print:hidden">
        <DocumentsPanel recordType="change_order" recordId={changeOrderId} title="Documents" />
      </div>
    </>
  );
}
