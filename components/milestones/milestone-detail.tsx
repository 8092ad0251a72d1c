'use client';

import { DocumentsPanel } from '@/components/documents/documents-panel';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { RecordTabs } from '@/components/sync/record-tabs';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { Field, Textarea } from '@/components/ui/field';
import { formatDate, formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import { auditActionLabels, milestoneStatusLabels, milestoneStatusTones } from './labels';

const actionLabels = {
  claim_completion: 'Claim completion',
  verify: 'Verify completion',
  release: 'Release for invoicing',
} as const;

export function MilestoneDetail({ projectId, milestoneId }: { projectId: string; milestoneId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const detail = useQuery(trpc.milestones.get.queryOptions({ milestoneId }));
  const refresh = async () => {
    setComment('');
    await queryClient.invalidateQueries({ queryKey: trpc.milestones.pathKey() });
  };
  // a refused release is recorded (audit, exception) even though it fails: reload the timeline either way
  const options = {
    onSuccess: refresh,
    onError: () =>
      void queryClient.invalidateQueries({ queryKey: trpc.milestones.get.queryKey({ milestoneId }) }),
  };
  const claim = useMutation(trpc.milestones.claimCompletion.mutationOptions(options));
  const verify = useMutation(trpc.milestones.verify.mutationOptions(options));
  const release = useMutation(trpc.milestones.release.mutationOptions(options));
  const reject = useMutation(trpc.milestones.reject.mutationOptions(options));
  const error = claim.error ?? verify.error ?? release.error ?? reject.error;
  const pending = claim.isPending || verify.isPending || release.isPending || reject.isPending;

  if (detail.error)
    return (
      <EmptyState title="Milestone not found">
        It does not exist, or it belongs to a project you are not a member of.
      </EmptyState>
    );
  if (!detail.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const m = detail.data;
  const currency = m.project.currency;
  const base = { milestoneId, version: m.version };
  const can = (action: string) => m.actions.includes(action);
  const withComment = { ...base, comment: comment || undefined };

  return (
    <>
      <PageHeader
        title={`${m.reference} · ${m.name}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={milestoneStatusTones[m.status]}>{milestoneStatusLabels[m.status] ?? m.status}</Badge>
            {m.isOverdue ? <Badge tone="red">overdue</Badge> : null}
            <span>
              {m.project.code} · planned {formatDate(m.plannedDate)} · raised by {m.creatorName}
            </span>
          </span>
        }
        actions={
          can('edit') ? (
            <Link
              href={`/projects/${projectId}/billing/${milestoneId}/edit`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
            >
              Edit milestone
            </Link>
          ) : null
        }
      />
      <RecordTabs recordType="milestone" recordId={milestoneId}>
        <div className="space-y-4">
          {error ? <Alert>{errorMessage(error)}</Alert> : null}
          {m.rejectionReason && m.status === 'planned' ? (
            <Alert tone="warning">Rejected: {m.rejectionReason}</Alert>
          ) : null}
          {m.actions.some((a) => a !== 'edit') ? (
            <Card title="Your action">
              <div className="space-y-3" data-testid="milestone-actions">
                <Field label="Comment (required to reject)" htmlFor="ms-comment">
                  <Textarea
                    id="ms-comment"
                    rows={2}
                    value={comment}
                    onChange={(e) => setComment(e.target.value)}
                    maxLength={2000}
                  />
                </Field>
                <div className="flex flex-wrap gap-2">
                  {can('claim_completion') ? (
                    <Button disabled={pending} onClick={() => claim.mutate(withComment)}>
                      {actionLabels.claim_completion}
                    </Button>
                  ) : null}
                  {can('verify') ? (
                    <Button disabled={pending} onClick={() => verify.mutate(withComment)}>
                      {actionLabels.verify}
                    </Button>
                  ) : null}
                  {can('release') ? (
                    <Button disabled={pending} onClick={() => release.mutate(withComment)}>
                      {actionLabels.release}
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
                </div>
              </div>
            </Card>
          ) : null}
          <div className="grid gap-4 md:grid-cols-3">
            <Card title={m.invoiceAmount ? 'Released amount' : 'Amount'}>
              <p className="tabular text-lg font-semibold" data-testid="milestone-amount">
                {formatMoneyDisplay(m.amount, currency)}
              </p>
              <p className="text-xs text-slate-500">
                {m.amountBasis === 'percent'
                  ? `${m.percentOfContract} % of the revised contract value ${formatMoneyDisplay(m.revisedContractValue, currency)}`
                  : 'Fixed amount'}
              </p>
            </Card>
            <Card title="Customer invoice">
              {m.invoiceAmount ? (
                <dl className="tabular space-y-1 text-sm" data-testid="milestone-invoice">
                  <div className="flex justify-between">
                    <dt>Retention</dt>
                    <dd>{formatMoneyDisplay(m.retentionAmount, currency)}</dd>
                  </div>
                  <div className="flex justify-between font-semibold">
                    <dt>Invoice total</dt>
                    <dd>{formatMoneyDisplay(m.netInvoiceAmount, currency)}</dd>
                  </div>
                  <div className="flex justify-between">
                    <dt>Odoo</dt>
                    <dd>
                      {m.odooInvoiceName ?? 'not yet created'}
                      {m.odooPaymentState ? ` · ${m.odooPaymentState.replace('_', ' ')}` : ''}
                    </dd>
                  </div>
                </dl>
              ) : (
                <p className="text-sm text-slate-500">
                  Created and posted in Odoo when finance releases the milestone.
                </p>
              )}
            </Card>
            <Card title="Odoo links">
              <p className="text-sm">Sale order line: {m.odooSaleLineId ?? 'contract line'}</p>
              <p className="text-sm">Project milestone: {m.odooMilestoneId ?? 'matched by name'}</p>
              <Badge tone={milestoneStatusTones[m.syncStatus]}>{m.syncStatus.replace('_', ' ')}</Badge>
            </Card>
          </div>
          <div className="grid gap-4 md:grid-cols-2">
            <Card title="Timeline">
              <ol className="space-y-2 text-sm" data-testid="milestone-timeline">
                {m.timeline.map((event) => (
                  <li key={event.id} className="flex items-start justify-between gap-2">
                    <span>
                      {auditActionLabels[event.action] ?? event.action}
                      {event.comment ? (
                        <span className="block text-xs text-slate-500">“{event.comment}”</span>
                      ) : null}
                    </span>
                    <span className="text-right text-xs text-slate-500">
                      {event.actorName ?? 'Plumbline'} ({(event.role ?? 'system').replace('_', ' ')})
                      <span className="block">{formatDateTime(event.at)}</span>
                    </span>
                  </li>
                ))}
              </ol>
            </Card>
            <Card title="Evidence">
              <ul className="space-y-1 text-sm" data-testid="milestone-evidence">
                {m.evidence.map((item) => (
                  <li key={item.id}>
                    <a
                      href={item.url}
                      rel="noopener noreferrer nofollow"
                      target="_blank"
                      className="text-brand-700 hover:underline"
                    >
                      {item.title}
                    </a>
                  </li>
                ))}
                {m.evidence.length === 0 ? <li className="text-slate-500">No evidence linked.</li> : null}
              </ul>
            </Card>
          </div>
        </div>
      </RecordTabs>
      <div className="mt-6 print:hidden">
        <DocumentsPanel recordType="milestone" recordId={milestoneId} title="Evidence and documents" />
      </div>
    </>
  );
}
