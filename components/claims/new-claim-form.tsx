'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { Field, Input, Select } from '@/components/ui/field';
import { formatMoneyDisplay } from '@/components/ui/format';

type Kind = 'progress' | 'practical_completion' | 'end_of_defects';

/** Raise a claim for a subcontract and period: a progress claim, or a retention release. */
export function NewClaimForm({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.claims.formOptions.queryOptions({ projectId }));
  const [subcontractId, setSubcontractId] = useState('');
  const [periodEnd, setPeriodEnd] = useState('');
  const [kind, setKind] = useState<Kind>('progress');
  const go = {
    onSuccess: (result: { id: string }) => router.push(`/projects/${projectId}/claims/${result.id}`),
  };
  const create = useMutation(trpc.claims.create.mutationOptions(go));
  const release = useMutation(trpc.claims.createRetentionRelease.mutationOptions(go));
  const error = create.error ?? release.error;
  const selected = options.data?.subcontracts.find((s) => s.id === subcontractId);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (kind === 'progress') create.mutate({ subcontractId, periodEnd });
    else release.mutate({ subcontractId, periodEnd, stage: kind });
  }

  return (
    <form aria-label="New claim" onSubmit={onSubmit} className="max-w-2xl space-y-4">
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      <Card>
        <div className="grid gap-3 md:grid-cols-3">
          <Field label="Subcontract" htmlFor="claim-subcontract">
            <Select
              id="claim-subcontract"
              value={subcontractId}
              onChange={(e) => setSubcontractId(e.target.value)}
              required
            >
              <option value="">Choose…</option>
              {(options.data?.subcontracts ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.reference} · {s.vendorName}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Period end" htmlFor="claim-period">
            <Input
              id="claim-period"
              type="date"
              value={periodEnd}
              onChange={(e) => setPeriodEnd(e.target.value)}
              required
            />
          </Field>
          <Field label="Claim type" htmlFor="claim-kind">
            <Select id="claim-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              <option value="progress">Progress claim</option>
              <option value="practical_completion">Retention release: practical completion (half)</option>
              <option value="end_of_defects">Retention release: end of defects (the rest)</option>
            </Select>
          </Field>
        </div>
        {selected ? (
          <dl className="mt-4 grid gap-2 text-sm md:grid-cols-3" data-testid="claim-subcontract-facts">
            <div>
              <dt className="text-slate-500">Revised value (incl. approved COs)</dt>
              <dd className="tabular">{formatMoneyDisplay(selected.revisedValue, selected.currency)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Certified to date</dt>
              <dd className="tabular">{formatMoneyDisplay(selected.certifiedToDate, selected.currency)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Retention held</dt>
              <dd className="tabular">{formatMoneyDisplay(selected.retentionHeld, selected.currency)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Insurance expires</dt>
              <dd>{selected.insuranceExpiresOn ?? 'not recorded'}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Odoo link</dt>
              <dd>
                {selected.hasOdooLink
                  ? 'purchase order and vendor linked'
                  : 'missing: release will be refused'}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Open claim</dt>
              <dd>{selected.openClaim ?? 'none'}</dd>
            </div>
          </dl>
        ) : null}
      </Card>
      <Button type="submit" disabled={create.isPending || release.isPending || !subcontractId || !periodEnd}>
        Create claim
      </Button>
    </form>
  );
}

/** Retention register of a project: held, released and due at practical completion, per subcontract. */
export function RetentionRegister({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const options = useQuery(trpc.claims.formOptions.queryOptions({ projectId }));
  if (!options.data) return null;
  const { subcontracts, retentionRegister } = options.data;
  const currency = subcontracts[0]?.currency ?? 'GBP';
  return (
    <Card title="Retention register">
      <table className="min-w-full text-sm" data-testid="retention-register">
        <thead>
          <tr className="text-left text-slate-500">
            <th className="py-1">Subcontract</th>
            <th className="py-1">Vendor</th>
            <th className="py-1 text-right">Certified to date</th>
            <th className="py-1 text-right">Held</th>
            <th className="py-1 text-right">Released</th>
            <th className="py-1 text-right">At practical completion</th>
          </tr>
        </thead>
        <tbody>
          {subcontracts.map((s) => (
            <tr key={s.id} className="border-t border-slate-100">
              <td className="py-1.5">{s.reference}</td>
              <td className="py-1.5">{s.vendorName}</td>
              <td className="tabular py-1.5 text-right">
                {formatMoneyDisplay(s.certifiedToDate, s.currency)}
              </td>
              <td className="tabular py-1.5 text-right">{formatMoneyDisplay(s.retentionHeld, s.currency)}</td>
              <td className="tabular py-1.5 text-right">
                {formatMoneyDisplay(s.retentionReleased, s.currency)}
              </td>
              <td className="tabular py-1.5 text-right">
                {formatMoneyDisplay(s.practicalCompletionRelease, s.currency)}
              </td>
            </tr>
          ))}
          <tr className="border-t border-slate-300 font-medium">
            <td className="py-1.5" colSpan={3}>
              Project total
            </td>
            <td className="tabular py-1.5 text-right">
              {formatMoneyDisplay(retentionRegister.held, currency)}
            </td>
            <td className="tabular py-1.5 text-right">
              {formatMoneyDisplay(retentionRegister.released, currency)}
            </td>
            <td />
          </tr>
        </tbody>
      </table>
    </Card>
  );
}
