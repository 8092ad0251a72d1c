'use client';

import { DocumentsPanel } from '@/components/documents/documents-panel';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { PullHistory } from '@/components/pull-runs/pull-history';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card, PageHeader } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';
import { formatDate, formatDateTime } from '@/components/ui/format';
import { useStepUp } from '@/components/mfa/step-up';
import { VendorCompliancePanel } from './vendor-compliance-panel';
import { SyncTab } from '@/components/sync/sync-tab';

/** A vendor: Odoo's data read-only; compliance (and, for finance, bank details) editable by finance. */
export function VendorDetail({
  vendorId,
  canEdit,
  canSeeSync,
}: {
  vendorId: string;
  canEdit: boolean;
  /** The vendor's sync history is organisation-wide: roles that see every project (record-access.ts). */
  canSeeSync: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const vendor = useQuery(trpc.masterData.vendor.queryOptions({ vendorId }));
  const [saved, setSaved] = useState<number | null>(null);
  const stepUp = useStepUp();
  const update = useMutation(
    trpc.masterData.updateVendorCompliance.mutationOptions({
      onSuccess: async (result) => (
        setSaved(result.pendingChangeIds.length),
        await queryClient.invalidateQueries({ queryKey: trpc.masterData.vendor.queryKey({ vendorId }) }),
        await queryClient.invalidateQueries({ queryKey: trpc.pendingChanges.list.pathKey() })
      ),
    }),
  );
  type UpdateInput = Parameters<typeof update.mutate>[0];
  const save = (input: UpdateInput) =>
    update.mutate(input, { onError: (error) => void stepUp.intercept(error, () => save(input)) });
  if (!vendor.data)
    return vendor.error ? (
      <Alert>{errorMessage(vendor.error)}</Alert>
    ) : (
      <p className="text-sm text-slate-500">Loading…</p>
    );
  const v = vendor.data;
  const bank = 'bank' in v ? v.bank : undefined;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(null);
    const form = new FormData(event.currentTarget);
    const date = (key: string) => (form.get(key) ? String(form.get(key)) : null);
    save({
      vendorId,
      version: v.version,
      insuranceExpiresOn: date('insuranceExpiresOn'),
      licenceExpiresOn: date('licenceExpiresOn'),
      taxCertificateExpiresOn: date('taxCertificateExpiresOn'),
      ...(bank
        ? {
            bankAccountName: String(form.get('bankAccountName') ?? ''),
            bankAccountNumber: String(form.get('bankAccountNumber') ?? ''),
          }
        : {}),
    });
  }

  return (
    <>
      <PageHeader
        title={v.name}
        description={`${v.ref ?? 'No reference'} · VAT ${v.vat ?? '—'} · last pulled ${formatDateTime(v.lastPulledAt)}`}
        actions={
          v.odooUrl ? (
            <a
              className="text-sm text-brand-700 hover:underline"
              href={v.odooUrl}
              target="_blank"
              rel="noreferrer"
            >
              Open in Odoo
            </a>
          ) : null
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Compliance">
          {canEdit ? (
            <form onSubmit={onSubmit} className="grid gap-3" key={v.version}>
              {update.error && !stepUp.active ? <Alert>{errorMessage(update.error)}</Alert> : null}
              {stepUp.prompt}
              {saved !== null && !update.error ? (
                <Alert tone={saved > 0 ? 'info' : 'success'}>
                  {saved > 0
                    ? 'Asked for: the change takes effect when an executive confirms it under Pending changes. Until then the vendor keeps its current details, and payments to it wait while a bank change does.'
                    : 'Nothing to change.'}
                </Alert>
              ) : null}
              <WaitingChanges vendorId={vendorId} />
              <Field label="Insurance certificate expires" htmlFor="insuranceExpiresOn">
                <Input
                  id="insuranceExpiresOn"
                  name="insuranceExpiresOn"
                  type="date"
                  defaultValue={v.insuranceExpiresOn ?? ''}
                />
              </Field>
              <Field label="Licence expires" htmlFor="licenceExpiresOn">
                <Input
                  id="licenceExpiresOn"
                  name="licenceExpiresOn"
                  type="date"
                  defaultValue={v.licenceExpiresOn ?? ''}
                />
              </Field>
              <Field label="Tax certificate expires" htmlFor="taxCertificateExpiresOn">
                <Input
                  id="taxCertificateExpiresOn"
                  name="taxCertificateExpiresOn"
                  type="date"
                  defaultValue={v.taxCertificateExpiresOn ?? ''}
                />
              </Field>
              {bank ? (
                <>
                  <Field label="Bank account name" htmlFor="bankAccountName">
                    <Input
                      id="bankAccountName"
                      name="bankAccountName"
                      defaultValue={bank.accountName ?? ''}
                    />
                  </Field>
                  <Field
                    label="Bank account number"
                    htmlFor="bankAccountNumber"
                    hint="Visible to finance only."
                  >
                    <Input
                      id="bankAccountNumber"
                      name="bankAccountNumber"
                      defaultValue={bank.accountNumber ?? ''}
                    />
                  </Field>
                </>
              ) : null}
              <div>
                <Button type="submit" disabled={update.isPending}>
                  Save
                </Button>
              </div>
            </form>
          ) : (
            <dl className="grid grid-cols-2 gap-2 text-sm">
              <dt className="text-slate-500">Insurance expires</dt>
              <dd>{formatDate(v.insuranceExpiresOn)}</dd>
              <dt className="text-slate-500">Licence expires</dt>
              <dd>{formatDate(v.licenceExpiresOn)}</dd>
              <dt className="text-slate-500">Tax certificate expires</dt>
              <dd>{formatDate(v.taxCertificateExpiresOn)}</dd>
            </dl>
          )}
        </Card>
        <Card title="Subcontracts">
          {v.subcontracts.length === 0 ? (
            <p className="text-sm text-slate-500">None on your projects.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {v.subcontracts.map((s) => (
                <li key={s.id}>
                  <Link className="text-brand-700 hover:underline" href={`/subcontracts/${s.id}`}>
                    {s.reference}
                  </Link>{' '}
                  {s.title}{' '}
                  <span className="text-slate-500">
                    ({s.projectCode}, {s.odooState ?? '—'})
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <PullHistory entries={v.pullHistory} />
      </div>
      <div className="mt-6">
        <VendorCompliancePanel vendorId={vendorId} />
      </div>
      {canSeeSync ? (
        <div className="mt-6" data-testid="vendor-sync-history">
          <h2 className="mb-2 text-base font-semibold">Odoo compliance tag: sync history</h2>
          <SyncTab recordType="vendor" recordId={vendorId} />
        </div>
      ) : null}
      <div className="mt-6 print:hidden">
        <DocumentsPanel recordType="vendor" recordId={vendorId} title="Compliance and other documents" />
      </div>
    </>
  );
}

/** What waits for a second person on this vendor (finance and executives see it). */
function WaitingChanges({ vendorId }: { vendorId: string }) {
  const trpc = useTRPC();
  const waiting = useQuery(trpc.pendingChanges.list.queryOptions({ status: 'pending', subjectId: vendorId }));
  if (!waiting.data || waiting.data.length === 0) return null;
  return (
    <div
      className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm"
      data-testid="vendor-pending-changes"
    >
      <p className="font-medium text-amber-900">Waiting for a second person</p>
      <ul className="mt-1 list-disc pl-5">
        {waiting.data.map((c) => (
          <li key={c.id}>
            {c.kindLabel}, asked for by {c.requestedBy} on {formatDateTime(c.requestedAt)} —{' '}
            <Link className="text-brand-700 hover:underline" href="/changes">
              Pending changes
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
