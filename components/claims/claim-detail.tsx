'use client';

import { DocumentsPanel } from '@/components/documents/documents-panel';
import { useIsMutating, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { RecordTabs } from '@/components/sync/record-tabs';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm';
import { Alert, Badge, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { describedBy, Field, Textarea } from '@/components/ui/field';
import { formErrorsOf } from '@/components/ui/form-errors';
import { formatDateTime, formatMoneyDisplay, formatRate } from '@/components/ui/format';
import type { ClaimDetail as Claim } from '@/server/modules/claims/claim.schemas';
import { useStepUp } from '@/components/mfa/step-up';
import { ClaimGrid } from './claim-grid';
import {
  claimStatusTones,
  claimTypeLabels,
  deductionKindLabels,
  releaseStageLabels,
  stepLabels,
} from './labels';

export function ClaimDetail({ projectId, claimId }: { projectId: string; claimId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const detail = useQuery(trpc.claims.get.queryOptions({ claimId }));
  const done = (message: string) => async () => (
    setComment(''),
    setNotice(message),
    await queryClient.invalidateQueries({ queryKey: trpc.claims.pathKey() })
  );
  // a new attempt clears the last success message; a failed one keeps what was typed
  const start = { onMutate: () => setNotice(null) };
  const submit = useMutation(
    trpc.claims.submit.mutationOptions({ ...start, onSuccess: done('Claim submitted for certification.') }),
  );
  const approve = useMutation(
    trpc.claims.approve.mutationOptions({ ...start, onSuccess: done('Claim approved.') }),
  );
  const release = useMutation(
    trpc.claims.release.mutationOptions({
      ...start,
      onSuccess: done('Released for payment: the bill is being posted in Odoo.'),
    }),
  );
  const reject = useMutation(
    trpc.claims.reject.mutationOptions({ ...start, onSuccess: done('Claim rejected.') }),
  );
  const revise = useMutation(
    trpc.claims.revise.mutationOptions({
      ...start,
      onSuccess: (result) => router.push(`/projects/${projectId}/claims/${result.id}`),
    }),
  );
  const stepUp = useStepUp();
  type ReleaseInput = Parameters<typeof release.mutate>[0];
  // above the PM limit the release needs a fresh code: asked for here, then the release is retried
  const releaseWithStepUp = (input: ReleaseInput) =>
    release.mutate(input, { onError: (e) => void stepUp.intercept(e, () => releaseWithStepUp(input)) });
  const error = stepUp.active
    ? null
    : (submit.error ?? approve.error ?? release.error ?? reject.error ?? revise.error);
  const errors = formErrorsOf(error);
  // a refetch in flight means the version on screen may be stale: wait for it rather than CONFLICT
  // the grid's save counts too: submitting while it is in flight would race its version
  const mutating = useIsMutating() > 0;
  const pending =
    mutating ||
    submit.isPending ||
    approve.isPending ||
    release.isPending ||
    reject.isPending ||
    revise.isPending ||
    detail.isFetching;

  if (detail.error)
    return (
      <EmptyState title="Claim not found">
        It does not exist, or it belongs to a project you are not a member of.
      </EmptyState>
    );
  if (!detail.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const claim = detail.data;
  const base = { claimId, version: claim.version };
  const can = (action: string) => claim.actions.includes(action);
  const mode = can('certify') ? 'certify' : can('edit') ? 'claim' : 'view';
  const hasCertificate = !!claim.certifiedAt && claim.status !== 'rejected';
  const insuranceExpired =
    !!claim.vendor.insuranceExpiresOn && claim.vendor.insuranceExpiresOn < claim.periodEnd;

  return (
    <>
      <PageHeader
        title={`${claim.reference}${claim.revision > 1 ? ` rev ${claim.revision}` : ''} · ${claim.vendor.name}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={claimStatusTones[claim.status]}>{claim.status}</Badge>
            <span>
              {claimTypeLabels[claim.type]}
              {claim.retentionReleaseStage ? ` at ${releaseStageLabels[claim.retentionReleaseStage]}` : ''} ·
              subcontract {claim.subcontract.reference} · period to {claim.periodEnd} · raised by{' '}
              {claim.creatorName}
              {claim.vendorInvoiceNumber ? ` · vendor invoice ${claim.vendorInvoiceNumber}` : ''}
            </span>
            {claim.declaredAt ? (
              <span data-testid="claim-declared">
                Submitted through the subcontractor portal with the vendor&apos;s declaration,{' '}
                {formatDateTime(claim.declaredAt)}
              </span>
            ) : null}
          </span>
        }
        actions={
          hasCertificate ? (
            <>
              <Link
                href={`/projects/${projectId}/claims/${claimId}/certificate`}
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
              >
                Payment certificate
              </Link>
              <a
                href={`/api/claims/${claimId}/certificate`}
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
                download
              >
                Download PDF
              </a>
            </>
          ) : null
        }
      />
      <RecordTabs recordType="claim" recordId={claimId}>
        <div className="space-y-4">
          {notice ? <Alert tone="success">{notice}</Alert> : null}
          {error && !errors.fields.comment ? <Alert>{errorMessage(error)}</Alert> : null}
          {stepUp.prompt}
          {claim.status === 'rejected' && claim.rejectionReason ? (
            <Alert tone="warning">Rejected: {claim.rejectionReason}</Alert>
          ) : null}
          {claim.releaseBlocks.length > 0 && can('release') ? (
            <Alert tone="warning">
              <span data-testid="release-blocks">
                The release will be refused: {claim.releaseBlocks.map((b) => b.message).join(' ')}
              </span>
            </Alert>
          ) : null}
          <ActionCard
            claim={claim}
            can={can}
            comment={comment}
            setComment={setComment}
            pending={pending}
            commentError={errors.fields.comment ?? null}
            busy={
              submit.isPending
                ? 'submit'
                : approve.isPending
                  ? 'approve'
                  : release.isPending
                    ? 'release'
                    : reject.isPending
                      ? 'reject'
                      : revise.isPending
                        ? 'revise'
                        : null
            }
            onSubmit={() => submit.mutate(base)}
            onApprove={() => approve.mutate({ ...base, comment: comment || undefined })}
            onRelease={() => releaseWithStepUp({ ...base, comment: comment || undefined })}
            onReject={() => reject.mutate({ ...base, comment })}
            onRevise={() => revise.mutate(base)}
          />
          <ClaimGrid key={`${claim.id}-${claim.version}`} claim={claim} mode={mode} onDone={setNotice} />
          <div className="grid gap-4 md:grid-cols-3">
            <Totals claim={claim} />
            <Card title="Vendor and subcontract">
              <dl className="space-y-1 text-sm">
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Insurance expires</dt>
                  <dd
                    data-testid="claim-insurance"
                    className={insuranceExpired ? 'font-medium text-red-700' : ''}
                  >
                    {claim.vendor.insuranceExpiresOn ?? 'not recorded'}
                    {insuranceExpired ? ' (expired at period end)' : ''}
                  </dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Licence expires</dt>
                  <dd>{claim.vendor.licenceExpiresOn ?? 'not recorded'}</dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Odoo link</dt>
                  <dd>{claim.subcontract.hasOdooLink && claim.vendor.hasOdooLink ? 'linked' : 'missing'}</dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Retention</dt>
                  <dd>
                    {formatRate(claim.subcontract.retention.rate)} on work
                    {claim.subcontract.retention.cap
                      ? claim.subcontract.retention.cap.basis === 'fixed'
                        ? `, cap ${formatMoneyDisplay(claim.subcontract.retention.cap.amount, claim.project.currency)}`
                        : `, cap ${formatRate(claim.subcontract.retention.cap.rate)} of the ${claim.subcontract.retention.cap.basis} value`
                      : ', no cap'}
                  </dd>
                </div>
                <div className="flex justify-between gap-2">
                  <dt className="text-slate-500">Odoo bill</dt>
                  <dd>
                    {claim.odooBillName ?? (claim.odooBillId ? `draft #${claim.odooBillId}` : '—')}{' '}
                    {claim.odooBillState
                      ? `(${claim.odooBillState}${claim.odooPaymentState ? `, ${claim.odooPaymentState}` : ''})`
                      : ''}
                  </dd>
                </div>
              </dl>
            </Card>
            <Timeline claim={claim} projectId={projectId} />
          </div>
          {claim.deductions.length > 0 && mode === 'view' ? (
            <Card title="Deductions in this claim">
              <ul className="space-y-1 text-sm">
                {claim.deductions.map((d) => (
                  <li key={d.id} className="flex justify-between gap-2">
                    <span>
                      {deductionKindLabels[d.kind]}: {d.description}{' '}
                      <span className="text-slate-500">({d.reason})</span>
                    </span>
                    <span className="tabular">{formatMoneyDisplay(d.amount, claim.project.currency)}</span>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
      </RecordTabs>
      <div className="mt-6 print:hidden">
        <DocumentsPanel recordType="claim" recordId={claimId} title="Documents" />
      </div>
    </>
  );
}

type ActionProps = {
  claim: Claim;
  can: (action: string) => boolean;
  comment: string;
  setComment: (value: string) => void;
  pending: boolean;
  busy: string | null;
  commentError: string | null;
  onSubmit: () => void;
  onApprove: () => void;
  onRelease: () => void;
  onReject: () => void;
  onRevise: () => void;
};

/** Only the step this person may take now (the server re-checks every one). */
function ActionCard({
  claim,
  can,
  comment,
  setComment,
  pending,
  busy,
  commentError,
  onSubmit,
  onApprove,
  onRelease,
  onReject,
  onRevise,
}: ActionProps) {
  const waiting =
    claim.approval.pendingStep && !claim.approval.canAct && claim.approval.whyNot ? (
      <Card title="Approval">
        <p className="text-sm text-slate-600" data-testid="claim-why-not">
          Waiting for {claim.approval.pendingStep.label}. {claim.approval.whyNot}
        </p>
      </Card>
    ) : null;
  if (!['submit', 'approve', 'release', 'reject', 'revise'].some(can)) return waiting;
  const money = (value: string | null | undefined) => formatMoneyDisplay(value, claim.project.currency);
  const due = claim.dueAmount ?? claim.calculation?.dueThisClaim;
  const label = (name: string, text: string, saving = 'Saving…') => (busy === name ? saving : text);
  return (
    <Card title="Your action">
      <div className="space-y-3" data-testid="claim-actions">
        {can('approve') || can('release') || can('reject') ? (
          <Field
            label="Comment (required to reject)"
            htmlFor="claim-comment"
            error={commentError ? `Comment: ${commentError}` : null}
          >
            <Textarea
              id="claim-comment"
              rows={2}
              {...describedBy('claim-comment', commentError)}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={2000}
            />
          </Field>
        ) : null}
        <div className="flex flex-wrap gap-2">
          {can('submit') ? (
            <Button disabled={pending} onClick={onSubmit}>
              {label('submit', 'Submit for certification', 'Submitting…')}
            </Button>
          ) : null}
          {can('approve') ? (
            <Button disabled={pending} onClick={onApprove}>
              {label('approve', 'Approve', 'Approving…')}
            </Button>
          ) : null}
          {can('release') ? (
            <ConfirmButton
              label="Release for payment"
              title={`Release ${claim.reference} for payment?`}
              confirmLabel={`Release ${money(due)}`}
              pendingLabel="Releasing…"
              pending={busy === 'release'}
              disabled={pending}
              onConfirm={onRelease}
            >
              <p>
                Pay <strong data-testid="release-amount">{money(due)}</strong> to{' '}
                <strong data-testid="release-payee">{claim.vendor.name}</strong> (subcontract{' '}
                {claim.subcontract.reference}, period to {claim.periodEnd}).
              </p>
              <p>
                The vendor bill is posted in Odoo and the payment run picks it up. This cannot be undone from
                Plumbline.
              </p>
            </ConfirmButton>
          ) : null}
          {can('reject') ? (
            <ConfirmButton
              variant="danger"
              label="Reject"
              title={`Reject ${claim.reference}?`}
              confirmLabel="Reject claim"
              pendingLabel="Rejecting…"
              pending={busy === 'reject'}
              disabled={pending}
              onConfirm={onReject}
            >
              <p>
                The claim goes back to the subcontractor for a new revision
                {comment.trim() ? ' with your comment' : ''}.
              </p>
              {comment.trim() ? (
                <p className="italic">“{comment.trim()}”</p>
              ) : (
                <p>You have not written a reason yet: a rejection needs one.</p>
              )}
            </ConfirmButton>
          ) : null}
          {can('revise') ? (
            <Button variant="secondary" disabled={pending} onClick={onRevise}>
              {label('revise', 'Revise as new revision', 'Creating…')}
            </Button>
          ) : null}
        </div>
        {can('certify') ? (
          <p className="text-sm text-slate-600">
            Certify in the grid below: a reason is required wherever certified differs from claimed or goes
            below the previous certified value.
          </p>
        ) : null}
        {claim.status === 'draft' ? (
          <p className="text-sm text-slate-600">Save the claimed figures in the grid, then submit.</p>
        ) : null}
      </div>
    </Card>
  );
}

function Totals({ claim }: { claim: Claim }) {
  const calc = claim.calculation;
  const money = (value: string | undefined) => formatMoneyDisplay(value, claim.project.currency);
  const rows: [string, string | undefined, string][] = calc
    ? [
        ['Completed to date', calc.completedToDate, 'claim-completed'],
        ['Materials on site', calc.materialsStoredToDate, 'claim-materials'],
        ['Retention held to date', calc.retention.heldToDate, 'claim-retention'],
        ['Retention released by this claim', calc.retention.releasedThisClaim, 'claim-retention-released'],
        ['Deductions to date', calc.deductionsToDate, 'claim-deductions'],
        ['Net to date', calc.netToDate, 'claim-net'],
        ['Less previous net', calc.previousNetToDate, 'claim-previous-net'],
      ]
    : [];
  return (
    <Card title={claim.certifiedAt ? 'Certified totals' : 'Totals (preview of the claimed figures)'}>
      <dl className="space-y-1 text-sm" data-testid="claim-totals">
        {rows.map(([label, value, id]) => (
          <div key={id} className="flex justify-between gap-2">
            <dt className="text-slate-500">{label}</dt>
            <dd className="tabular" data-testid={id}>
              {money(value)}
            </dd>
          </div>
        ))}
        <div className="flex justify-between gap-2 border-t border-slate-200 pt-1 font-semibold">
          <dt>Amount due this claim</dt>
          <dd className="tabular" data-testid="claim-due">
            {money(calc?.dueThisClaim)}
          </dd>
        </div>
      </dl>
    </Card>
  );
}

function Timeline({ claim, projectId }: { claim: Claim; projectId: string }) {
  const steps = ['certify', 'approve', 'release'] as const;
  return (
    <Card title="Approval">
      <ol className="space-y-2 text-sm" data-testid="claim-approval-timeline">
        {steps.map((name, i) => {
          const decision = claim.decisions.find((d) => d.step === i + 1);
          return (
            <li key={name} className="flex items-start justify-between gap-2">
              <span>
                {i + 1}. {stepLabels[name]}
                {decision?.comment ? (
                  <span className="block text-xs text-slate-500">“{decision.comment}”</span>
                ) : null}
              </span>
              {decision ? (
                <span className="text-right text-xs">
                  <Badge tone={decision.decision === 'approved' ? 'green' : 'red'}>{decision.decision}</Badge>
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
      </ol>
      {claim.revisions.length > 1 ? (
        <ul className="mt-3 space-y-1 border-t border-slate-100 pt-2 text-sm">
          {claim.revisions.map((r) => (
            <li key={r.id}>
              <Link
                href={`/projects/${projectId}/claims/${r.id}`}
                className={r.id === claim.id ? 'font-semibold' : 'text-brand-700 hover:underline'}
              >
                Revision {r.revision}
              </Link>{' '}
              · {r.status}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
