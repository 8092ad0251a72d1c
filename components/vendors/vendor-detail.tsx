'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { PullHistory } from '@/components/pull-runs/pull-history';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card, PageHeader } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';
import { formatDate, formatDateTime } from '@/components/ui/format';

/** A vendor: Odoo's data read-only; compliance (and, for finance, bank details) editable by finance. */
export function VendorDetail({ vendorId, canEdit }: { vendorId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const vendor = useQuery(trpc.masterData.vendor.queryOptions({ vendorId }));
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.masterData.updateVendorCompliance.mutationOptions({
      onSuccess: async () => (
        setSaved(true),
        await queryClient.invalidateQueries({ queryKey: trpc.masterData.vendor.queryKey({ vendorId }) })
      ),
    }),
  );
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
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const date = (key: string) => (form.get(key) ? String(form.get(key)) : null);
    update.mutate({
      vendorId,
      version: v.version,
      insuranceExpiresOn: date('insuranceExpiresOn'),
      licenceExpiresOn: date('licenceExpiresOn'),
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
              {update.error ? <Alert>{errorMessage(update.error)}</Alert> : null}
              {saved && !update.error ? (
                <Alert tone="success">Saved; the change is in the audit log.</Alert>
              ) : null}
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
    </>
  );
}
