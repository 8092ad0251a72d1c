'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { PlainTable } from '@/components/data-table/plain-table';
import { claimStatusTones } from '@/components/claims/labels';
import { DocumentsPanel } from '@/components/documents/documents-panel';
import { useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { describedBy, Field, FieldError, Input } from '@/components/ui/field';
import { errorIdFor, formErrorsOf } from '@/components/ui/form-errors';
import { formatDate, formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import { useUnsavedChanges } from '@/components/ui/use-unsaved-changes';
import {
  claimedFromPercent,
  claimedThisPeriod,
  claimedTotal,
} from '@/server/modules/claims/claim-entry.calc';
import {
  DECLARATION_TEXT,
  paymentStageLabels,
  type PortalClaim,
} from '@/server/modules/portal/portal.schemas';

type Line = PortalClaim['lines'][number];
const column = createColumnHelper<Line>();

/**
 * One of the subcontractor's claims. A draft is their application: claimed to date per SOV line (an
 * amount or a percent), materials on site, their invoice number, their documents, the declaration —
 * kept as a draft until they submit. Afterwards: line by line what was certified and why, deductions
 * with their reasons, what is due, and where the money is (approved → bill in Odoo → posted → paid).
 */
export function OwnClaim({ claimId }: { claimId: string }) {
  const trpc = useTRPC();
  const claim = useQuery(trpc.portal.claim.queryOptions({ claimId }));
  // kept here, not in the form: a submitted claim replaces the form, and the confirmation must stay
  const [notice, setNotice] = useState<string | null>(null);
  if (claim.error) return <EmptyState title="Claim not found">{claim.error.message}</EmptyState>;
  if (!claim.data) return null;
  const c = claim.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={`${c.reference}${c.revision > 1 ? ` rev ${c.revision}` : ''}`}
        description={
          <>
            {c.project.code} {c.project.name} ·{' '}
            <Link href={`/sub/subcontracts/${c.subcontract.id}`} className="text-brand-700 hover:underline">
              {c.subcontract.reference} {c.subcontract.title}
            </Link>{' '}
            · period to {formatDate(c.periodEnd)}
          </>
        }
        actions={
          <>
            <Badge tone={claimStatusTones[c.status]}>{c.status}</Badge>
            {c.actions.certificate ? (
              <a
                href={`/api/claims/${c.id}/certificate`}
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
                data-testid="download-certificate"
              >
                Download payment certificate (PDF)
              </a>
            ) : null}
          </>
        }
      />
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {c.status === 'rejected' ? <Rejected claim={c} /> : null}
      {c.status !== 'draft' && c.status !== 'rejected' ? <PaymentStatus claim={c} /> : null}
      {c.actions.edit ? <DraftForm claim={c} onNotice={setNotice} /> : <Certified claim={c} />}
      <DocumentsPanel
        recordType="claim"
        recordId={c.id}
        title="Your documents (invoice, photos, delivery notes)"
      />
    </div>
  );
}

function Rejected({ claim }: { claim: PortalClaim }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const revise = useMutation(
    trpc.portal.reviseClaim.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.portal.pathKey() });
        router.push(`/sub/claims/${created.id}`);
      },
    }),
  );
  return (
    <Alert tone="warning">
      <p className="font-medium">This claim was rejected.</p>
      <p className="mt-1" data-testid="rejection-reason">
        Reason: {claim.rejectionReason ?? 'none given'}
      </p>
      {claim.actions.revise ? (
        <div className="mt-2">
          <Button
            onClick={() => revise.mutate({ claimId: claim.id, version: claim.version })}
            disabled={revise.isPending}
          >
            Revise and resubmit
          </Button>
          {revise.error ? <p className="mt-1 text-red-800">{revise.error.message}</p> : null}
        </div>
      ) : null}
    </Alert>
  );
}

function PaymentStatus({ claim }: { claim: PortalClaim }) {
  const stage = claim.payment.stage;
  const order = ['not_yet_approved', 'approved', 'bill_in_odoo', 'posted', 'paid'];
  const reached = order.indexOf(stage);
  const steps = [
    { key: 'submitted', label: 'Submitted', when: claim.submittedAt, done: true },
    { key: 'certified', label: 'Certified', when: claim.certifiedAt, done: claim.certifiedAt !== null },
    { key: 'approved', label: 'Approved', when: claim.approvedAt, done: reached >= 1 },
    {
      key: 'bill',
      label: claim.payment.billName ? `Bill ${claim.payment.billName} in Odoo` : 'Bill in Odoo',
      when: claim.releasedAt,
      done: reached >= 2,
    },
    { key: 'posted', label: 'Posted', when: claim.payment.postedAt, done: reached >= 3 },
    { key: 'paid', label: 'Paid', when: claim.payment.paidAt, done: reached >= 4 },
  ];
  return (
    <Card title="Where the money is">
      <p className="mb-3 text-sm text-slate-700" data-testid="payment-stage">
        {paymentStageLabels[stage] ?? stage}
        {stage === 'paid' && claim.payment.paidAt ? ` on ${formatDate(claim.payment.paidAt)}` : ''}
      </p>
      <ol className="grid gap-2 sm:grid-cols-6" aria-label="Payment progress">
        {steps.map((step) => (
          <li
            key={step.key}
            className={`rounded-md border px-2 py-1.5 text-xs ${step.done ? 'border-green-300 bg-green-50 text-green-900' : 'border-slate-200 text-slate-600'}`}
          >
            <span className="block font-medium">{step.label}</span>
            <span>{step.done ? (step.when ? formatDateTime(step.when) : 'done') : 'not yet'}</span>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Certified({ claim }: { claim: PortalClaim }) {
  const currency = claim.project.currency;
  const money = (value: string | null | undefined) => (
    <span className="tabular block text-right">{value ? formatMoneyDisplay(value, currency) : '—'}</span>
  );
  const right = (label: string) =>
    function RightAligned() {
      return <span className="block text-right">{label}</span>;
    };
  const columns = useMemo(
    () => [
      column.accessor('lineNo', { header: '#' }),
      column.accessor('description', { header: 'Description' }),
      column.accessor('scheduledAmount', {
        header: right('Scheduled'),
        cell: ({ getValue }) => money(getValue()),
      }),
      column.accessor('previousCertifiedAmount', {
        header: right('Previously certified'),
        cell: ({ getValue }) => money(getValue()),
      }),
      column.accessor('claimedToDateAmount', {
        header: right('You claimed to date'),
        cell: ({ getValue }) => money(getValue()),
      }),
      column.accessor('certifiedToDateAmount', {
        header: right('Certified to date'),
        cell: ({ getValue }) => money(getValue()),
      }),
      column.accessor('certifyReason', {
        header: 'Why it differs',
        cell: ({ row }) => {
          const {
            certifiedToDateAmount: certified,
            claimedToDateAmount: claimed,
            certifyReason,
          } = row.original;
          if (certified === null || certified === claimed) return '';
          return <span data-testid="cut-reason">{certifyReason ?? 'No reason given'}</span>;
        },
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [currency],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({ data: claim.lines, columns, getCoreRowModel: getCoreRowModel() });
  const f = claim.figures;
  return (
    <>
      <Card
        title={claim.certifiedAt ? 'Certified, line by line' : 'Your application (awaiting certification)'}
      >
        <PlainTable table={table} testId="own-claim-lines" />
        <dl className="mt-4 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
          <dt className="text-slate-600">Materials on site you claimed</dt>
          <dd className="tabular text-right">
            {formatMoneyDisplay(claim.materials.claimedToDateAmount, currency)}
          </dd>
          {claim.materials.certifiedToDateAmount !== null ? (
            <>
              <dt className="text-slate-600">Materials on site certified</dt>
              <dd className="tabular text-right">
                {formatMoneyDisplay(claim.materials.certifiedToDateAmount, currency)}
                {claim.materials.reason ? (
                  <span className="block text-xs text-slate-600">{claim.materials.reason}</span>
                ) : null}
              </dd>
            </>
          ) : null}
          <dt className="text-slate-600">Your invoice number</dt>
          <dd className="text-right">{claim.vendorInvoiceNumber ?? '—'}</dd>
          {claim.declaredAt ? (
            <>
              <dt className="text-slate-600">Declaration made</dt>
              <dd className="text-right">{formatDateTime(claim.declaredAt)}</dd>
            </>
          ) : null}
        </dl>
      </Card>
      {claim.deductions.length > 0 ? (
        <Card title="Deductions">
          <ul className="space-y-2 text-sm">
            {claim.deductions.map((d, i) => (
              <li key={i} className="flex justify-between gap-4">
                <span>
                  <span className="font-medium">{d.description}</span>
                  <span className="block text-xs text-slate-600">{d.reason}</span>
                </span>
                <span className="tabular">{formatMoneyDisplay(d.amount, currency)}</span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      {f ? (
        <Card title="What is due">
          <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2" data-testid="own-claim-figures">
            <dt className="text-slate-600">Work and materials certified to date</dt>
            <dd className="tabular text-right">{formatMoneyDisplay(f.completedToDate, currency)}</dd>
            <dt className="text-slate-600">Retention held to date</dt>
            <dd className="tabular text-right">−{formatMoneyDisplay(f.retentionHeldToDate, currency)}</dd>
            <dt className="text-slate-600">Deductions to date</dt>
            <dd className="tabular text-right">−{formatMoneyDisplay(f.deductionsToDate, currency)}</dd>
            <dt className="text-slate-600">Net certified to date</dt>
            <dd className="tabular text-right">{formatMoneyDisplay(f.netToDate, currency)}</dd>
            <dt className="text-slate-600">Less previously certified</dt>
            <dd className="tabular text-right">−{formatMoneyDisplay(f.previousNetToDate, currency)}</dd>
            <dt className="font-semibold">Due this claim</dt>
            <dd className="tabular text-right font-semibold" data-testid="due-this-claim">
              {formatMoneyDisplay(f.dueThisClaim, currency)}
            </dd>
          </dl>
        </Card>
      ) : null}
    </>
  );
}

function DraftForm({ claim, onNotice }: { claim: PortalClaim; onNotice: (notice: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const currency = claim.project.currency;
  const [entry, setEntry] = useState<'amount' | 'percent'>('amount');
  const initial = useMemo(
    () => ({
      amounts: Object.fromEntries(claim.lines.map((l) => [l.sovLineId, l.claimedToDateAmount])),
      materials: claim.materials.claimedToDateAmount,
      invoice: claim.vendorInvoiceNumber ?? '',
    }),
    [claim],
  );
  const [amounts, setAmounts] = useState<Record<string, string>>(initial.amounts);
  const [percents, setPercents] = useState<Record<string, string>>({});
  const [materials, setMaterials] = useState(initial.materials);
  const [invoice, setInvoice] = useState(initial.invoice);
  const [declared, setDeclared] = useState(false);
  const setNotice = onNotice;
  const dirty =
    JSON.stringify([amounts, materials, invoice]) !==
      JSON.stringify([initial.amounts, initial.materials, initial.invoice]) ||
    Object.values(percents).some((p) => p !== '');
  useUnsavedChanges(dirty);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.portal.pathKey() });
  const save = useMutation(
    trpc.portal.saveClaim.mutationOptions({
      onSuccess: async () => {
        setPercents({});
        setNotice('Draft saved. You can come back to it at any time before you submit.');
        await refresh();
      },
    }),
  );
  const submit = useMutation(
    trpc.portal.submitClaim.mutationOptions({
      onSuccess: async () => {
        setNotice('Claim submitted. The quantity surveyor has it in their inbox.');
        await refresh();
      },
    }),
  );
  const errors = formErrorsOf(submit.error ?? save.error);

  /** The line's claimed amount as typed (a percent becomes an amount, as the server will round it). */
  function amountOf(line: Line): string | null {
    if (entry === 'percent' && percents[line.sovLineId]) {
      try {
        return claimedFromPercent(line.scheduledAmount, percents[line.sovLineId]!);
      } catch {
        return null;
      }
    }
    return (amounts[line.sovLineId] ?? '').trim() || '0';
  }
  const total = claimedTotal(claim.lines.map((line) => amountOf(line)));

  function lines() {
    return claim.lines.map((line) =>
      entry === 'percent' && percents[line.sovLineId]
        ? { sovLineId: line.sovLineId, claimedPercent: percents[line.sovLineId]! }
        : { sovLineId: line.sovLineId, claimedToDate: (amounts[line.sovLineId] ?? '0').trim() || '0' },
    );
  }
  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice(null);
    submit.reset();
    save.mutate({
      claimId: claim.id,
      version: claim.version,
      lines: lines(),
      materialsClaimedToDate: materials.trim() || '0',
      invoiceNumber: invoice.trim(),
    });
  }
  async function onSubmit() {
    setNotice(null);
    save.reset();
    if (dirty) {
      // what is on screen is what is submitted: save first, then submit the saved version
      try {
        await save.mutateAsync({
          claimId: claim.id,
          version: claim.version,
          lines: lines(),
          materialsClaimedToDate: materials.trim() || '0',
          invoiceNumber: invoice.trim(),
        });
      } catch {
        return;
      }
      const fresh = await queryClient.fetchQuery(trpc.portal.claim.queryOptions({ claimId: claim.id }));
      submit.mutate({
        claimId: claim.id,
        version: fresh.version,
        invoiceNumber: invoice.trim(),
        declaration: declared as true,
      });
      return;
    }
    submit.mutate({
      claimId: claim.id,
      version: claim.version,
      invoiceNumber: invoice.trim(),
      declaration: declared as true,
    });
  }

  return (
    <Card title="Your application">
      <form onSubmit={onSave} aria-label="Claim application" className="space-y-4">
        {errors.summary ? <Alert>{errors.summary}</Alert> : null}
        <fieldset className="flex flex-wrap items-center gap-4 text-sm">
          <legend className="sr-only">Enter claimed to date as</legend>
          <label className="inline-flex items-center gap-1.5">
            <input
              type="radio"
              name="entry"
              checked={entry === 'amount'}
              onChange={() => setEntry('amount')}
            />
            Amounts to date
          </label>
          <label className="inline-flex items-center gap-1.5">
            <input
              type="radio"
              name="entry"
              checked={entry === 'percent'}
              onChange={() => setEntry('percent')}
            />
            Percent complete
          </label>
        </fieldset>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="own-claim-entry">
            <thead>
              <tr className="border-b border-slate-200 text-xs text-slate-600">
                <th scope="col" className="px-2 py-1.5 font-medium">
                  #
                </th>
                <th scope="col" className="px-2 py-1.5 font-medium">
                  Description
                </th>
                <th scope="col" className="px-2 py-1.5 text-right font-medium">
                  Scheduled
                </th>
                <th scope="col" className="px-2 py-1.5 text-right font-medium">
                  Previously certified
                </th>
                <th scope="col" className="px-2 py-1.5 text-right font-medium">
                  {entry === 'amount' ? 'Claimed to date' : '% complete'}
                </th>
                <th scope="col" className="px-2 py-1.5 text-right font-medium">
                  This period
                </th>
              </tr>
            </thead>
            <tbody>
              {claim.lines.map((line, index) => {
                const id = `line-${line.sovLineId}`;
                const path = `lines.${index}.${entry === 'amount' ? 'claimedToDate' : 'claimedPercent'}`;
                const lineError =
                  errors.fields[path] ??
                  errors.fields[`lines.${index}`] ??
                  (errors.sovLineId === line.sovLineId ? errors.summary : null);
                const amount = amountOf(line);
                const period = claimedThisPeriod(amount, line.previousCertifiedAmount);
                return (
                  <tr key={line.sovLineId} className="border-b border-slate-100 align-top">
                    <td className="px-2 py-1.5">{line.lineNo}</td>
                    <td className="px-2 py-1.5">
                      <label htmlFor={id}>{line.description}</label>
                    </td>
                    <td className="tabular px-2 py-1.5 text-right">
                      {formatMoneyDisplay(line.scheduledAmount, currency)}
                    </td>
                    <td className="tabular px-2 py-1.5 text-right">
                      {formatMoneyDisplay(line.previousCertifiedAmount, currency)}
                    </td>
                    <td className="px-2 py-1.5">
                      <Input
                        id={id}
                        inputMode="decimal"
                        className="ml-auto w-36 text-right"
                        value={
                          entry === 'amount'
                            ? (amounts[line.sovLineId] ?? '')
                            : (percents[line.sovLineId] ?? '')
                        }
                        placeholder={entry === 'percent' ? 'e.g. 42.5' : undefined}
                        onChange={(e) =>
                          entry === 'amount'
                            ? setAmounts({ ...amounts, [line.sovLineId]: e.target.value })
                            : setPercents({ ...percents, [line.sovLineId]: e.target.value })
                        }
                        {...describedBy(id, lineError)}
                      />
                      <FieldError id={errorIdFor(id)} message={lineError} />
                    </td>
                    <td className="tabular px-2 py-1.5 text-right">
                      {period === null ? '—' : formatMoneyDisplay(period, currency)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr className="font-medium">
                <td colSpan={4} className="px-2 py-1.5 text-right">
                  Claimed to date (work)
                </td>
                <td className="tabular px-2 py-1.5 text-right" data-testid="claimed-total">
                  {total === null ? '—' : formatMoneyDisplay(total, currency)}
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
        <div className="grid gap-4 md:grid-cols-2">
          <Field
            label="Materials on site, to date"
            htmlFor="materialsClaimedToDate"
            hint="Materials delivered but not yet built in. New materials need evidence (a delivery note or photo) among your documents."
            error={errors.fields.materialsClaimedToDate}
          >
            <Input
              id="materialsClaimedToDate"
              inputMode="decimal"
              value={materials}
              onChange={(e) => setMaterials(e.target.value)}
              {...describedBy('materialsClaimedToDate', errors.fields.materialsClaimedToDate, true)}
            />
          </Field>
          <Field
            label="Your invoice number"
            htmlFor="invoiceNumber"
            hint="As printed on the invoice you attach below."
            error={errors.fields.invoiceNumber}
          >
            <Input
              id="invoiceNumber"
              value={invoice}
              maxLength={64}
              onChange={(e) => setInvoice(e.target.value)}
              {...describedBy('invoiceNumber', errors.fields.invoiceNumber, true)}
            />
          </Field>
        </div>
        {errors.fields.documents ? (
          <p className="text-sm font-medium text-red-700" data-testid="field-error">
            {errors.fields.documents}
          </p>
        ) : null}
        <div className="space-y-1">
          <label className="flex items-start gap-2 text-sm">
            <input
              id="declaration"
              type="checkbox"
              className="mt-1"
              checked={declared}
              onChange={(e) => setDeclared(e.target.checked)}
              {...describedBy('declaration', errors.fields.declaration)}
            />
            <span>{DECLARATION_TEXT}</span>
          </label>
          <FieldError id={errorIdFor('declaration')} message={errors.fields.declaration} />
        </div>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="secondary" disabled={save.isPending || submit.isPending}>
            {save.isPending ? 'Saving…' : 'Save draft'}
          </Button>
          <Button onClick={() => void onSubmit()} disabled={save.isPending || submit.isPending}>
            {submit.isPending ? 'Submitting…' : 'Submit claim'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
