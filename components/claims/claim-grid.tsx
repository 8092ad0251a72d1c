'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { Field, Input, Select, Textarea } from '@/components/ui/field';
import { formatMoneyDisplay } from '@/components/ui/format';
import type { ClaimDetail } from '@/server/modules/claims/claim.queries';
import { deductionKindLabels } from './labels';

type Deduction = { kind: 'back_charge' | 'contra_charge'; description: string; reason: string; amount: string };
type Mode = 'view' | 'claim' | 'certify';

/**
 * The certification grid: SOV, previous, claimed, certified, this period, % complete, balance. The
 * figures shown come from the server's calculation; in `claim` mode the draft's claimed to date is
 * entered (amount or percent), in `certify` mode the QS enters certified to date and the reasons.
 */
export function ClaimGrid({ claim, mode }: { claim: ClaimDetail; mode: Mode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const currency = claim.project.currency;
  const money = (value: string | null | undefined) => formatMoneyDisplay(value, currency);
  const calcLines = new Map((claim.calculation?.lines ?? []).map((l) => [l.sovLineId, l]));
  const [entry, setEntry] = useState<'amount' | 'percent'>('amount');
  const [claimed, setClaimed] = useState<Record<string, string>>(() => Object.fromEntries(claim.lines.map((l) => [l.sovLineId, l.claimedToDateAmount])));
  const [certified, setCertified] = useState<Record<string, string>>(() => Object.fromEntries(claim.lines.map((l) => [l.sovLineId, l.certifiedToDateAmount ?? l.claimedToDateAmount])));
  const [reasons, setReasons] = useState<Record<string, string>>(() => Object.fromEntries(claim.lines.map((l) => [l.sovLineId, l.certifyReason ?? ''])));
  const [materials, setMaterials] = useState(claim.materialsStoredToDateAmount);
  const [materialsReason, setMaterialsReason] = useState(claim.materialsReason ?? '');
  const [deductions, setDeductions] = useState<Deduction[]>(() => claim.deductions.map((d) => ({ kind: d.kind, description: d.description, reason: d.reason, amount: d.amount })));
  const [comment, setComment] = useState('');
  const refresh = { onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.claims.pathKey() }) };
  const update = useMutation(trpc.claims.update.mutationOptions(refresh));
  const certify = useMutation(trpc.claims.certify.mutationOptions(refresh));
  const error = update.error ?? certify.error;
  const editable = mode !== 'view' && claim.type === 'progress';

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const base = { claimId: claim.id, version: claim.version, materialsStoredToDate: materials || '0', deductions };
    if (mode === 'claim') {
      update.mutate({ ...base, lines: claim.lines.map((l) => ({ sovLineId: l.sovLineId, ...(entry === 'percent' ? { claimedPercent: claimed[l.sovLineId] || '0' } : { claimedToDate: claimed[l.sovLineId] || '0' }) })) });
    } else if (mode === 'certify') {
      certify.mutate({ ...base, comment: comment || undefined, materialsReason: materialsReason || undefined, lines: claim.lines.map((l) => ({ sovLineId: l.sovLineId, certifiedToDate: certified[l.sovLineId] || '0', reason: reasons[l.sovLineId] || undefined })) });
    }
  }

  const totals = claim.calculation?.totals;
  return (
    <form aria-label={mode === 'certify' ? 'Certification' : 'Claim'} onSubmit={onSubmit} className="space-y-4">
      <Card
        title={mode === 'certify' ? 'Certification grid' : 'Schedule of values'}
        actions={
          mode === 'claim' ? (
            <label className="flex items-center gap-2 text-sm">
              Enter claimed as
              <Select aria-label="Enter claimed as" value={entry} onChange={(e) => setEntry(e.target.value as 'amount' | 'percent')} className="w-auto">
                <option value="amount">amount to date</option>
                <option value="percent">% of scheduled</option>
              </Select>
            </label>
          ) : null
        }
      >
        {error ? <Alert>{errorMessage(error)}</Alert> : null}
        {claim.calculationError ? <Alert tone="warning">{claim.calculationError}</Alert> : null}
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" data-testid="claim-grid">
            <thead>
              <tr className="text-left text-slate-500">
                <th className="py-1 pr-2">#</th>
                <th className="py-1 pr-2">SOV line</th>
                <th className="py-1 pr-2 text-right">Scheduled</th>
                <th className="py-1 pr-2 text-right">Previous</th>
                <th className="py-1 pr-2 text-right">Claimed to date</th>
                <th className="py-1 pr-2 text-right">Certified to date</th>
                <th className="py-1 pr-2 text-right">This period</th>
                <th className="py-1 pr-2 text-right">% complete</th>
                <th className="py-1 pr-2 text-right">Balance</th>
                <th className="py-1">Reason</th>
              </tr>
            </thead>
            <tbody>
              {claim.lines.map((line) => {
                const calc = calcLines.get(line.sovLineId);
                return (
                  <tr key={line.sovLineId} className="border-t border-slate-100 align-top">
                    <td className="py-1.5 pr-2">{line.lineNo}</td>
                    <td className="py-1.5 pr-2">
                      {line.description}
                      {line.costCode ? <span className="block font-mono text-xs text-slate-500">{line.costCode}</span> : null}
                    </td>
                    <td className="tabular py-1.5 pr-2 text-right">{money(calc?.scheduledValue ?? line.scheduledAmount)}</td>
                    <td className="tabular py-1.5 pr-2 text-right">{money(calc?.previousCertifiedToDate ?? line.previousCertifiedAmount)}</td>
                    <td className="tabular py-1.5 pr-2 text-right">
                      {editable && mode === 'claim' ? (
                        <Input aria-label={`Line ${line.lineNo} claimed to date`} inputMode="decimal" className="w-32 text-right" value={claimed[line.sovLineId] ?? ''} onChange={(e) => setClaimed({ ...claimed, [line.sovLineId]: e.target.value })} />
                      ) : (
                        money(line.claimedToDateAmount)
                      )}
                    </td>
                    <td className="tabular py-1.5 pr-2 text-right">
                      {editable && mode === 'certify' ? (
                        <Input aria-label={`Line ${line.lineNo} certified to date`} inputMode="decimal" className="w-32 text-right" value={certified[line.sovLineId] ?? ''} onChange={(e) => setCertified({ ...certified, [line.sovLineId]: e.target.value })} />
                      ) : (
                        money(calc?.certifiedToDate ?? line.certifiedToDateAmount)
                      )}
                    </td>
                    <td className="tabular py-1.5 pr-2 text-right">{money(calc?.thisPeriod)}</td>
                    <td className="tabular py-1.5 pr-2 text-right">{calc?.percentComplete ? `${calc.percentComplete} %` : '—'}</td>
                    <td className="tabular py-1.5 pr-2 text-right">{money(calc?.balance)}</td>
                    <td className="py-1.5">
                      {editable && mode === 'certify' ? (
                        <Input aria-label={`Line ${line.lineNo} reason`} placeholder="Where certified differs from claimed" value={reasons[line.sovLineId] ?? ''} onChange={(e) => setReasons({ ...reasons, [line.sovLineId]: e.target.value })} />
                      ) : (
                        <span className="text-xs text-slate-600">{line.certifyReason ?? ''}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
              {totals ? (
                <tr className="border-t border-slate-300 font-medium" data-testid="claim-grid-totals">
                  <td />
                  <td className="py-1.5 pr-2">Total work</td>
                  <td className="tabular py-1.5 pr-2 text-right">{money(totals.scheduledValue)}</td>
                  <td className="tabular py-1.5 pr-2 text-right">{money(totals.previousCertifiedToDate)}</td>
                  <td className="tabular py-1.5 pr-2 text-right">{money(totals.claimedToDate)}</td>
                  <td className="tabular py-1.5 pr-2 text-right">{money(totals.certifiedToDate)}</td>
                  <td className="tabular py-1.5 pr-2 text-right">{money(totals.thisPeriod)}</td>
                  <td className="tabular py-1.5 pr-2 text-right">{totals.percentComplete ? `${totals.percentComplete} %` : '—'}</td>
                  <td className="tabular py-1.5 pr-2 text-right">{money(totals.balance)}</td>
                  <td />
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </Card>
      {editable ? (
        <Card title="Materials on site and deductions">
          <div className="grid gap-3 md:grid-cols-3">
            <Field label="Materials stored on site to date" htmlFor="claim-materials">
              <Input id="claim-materials" inputMode="decimal" value={materials} onChange={(e) => setMaterials(e.target.value)} />
            </Field>
            {mode === 'certify' ? (
              <Field label={`Materials reason (claimed ${money(claim.materialsClaimedToDateAmount)}; required when different)`} htmlFor="claim-materials-reason">
                <Input id="claim-materials-reason" value={materialsReason} onChange={(e) => setMaterialsReason(e.target.value)} maxLength={1000} />
              </Field>
            ) : null}
          </div>
          <DeductionEditor deductions={deductions} onChange={setDeductions} />
          {mode === 'certify' ? (
            <Field label="Comment (optional)" htmlFor="certify-comment">
              <Textarea id="certify-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
            </Field>
          ) : null}
          <div className="mt-3">
            <Button type="submit" disabled={update.isPending || certify.isPending}>
              {mode === 'certify' ? 'Certify claim' : 'Save claim'}
            </Button>
          </div>
        </Card>
      ) : mode === 'certify' ? (
        <Button type="submit" disabled={certify.isPending}>
          Certify retention release
        </Button>
      ) : null}
    </form>
  );
}

function DeductionEditor({ deductions, onChange }: { deductions: Deduction[]; onChange: (next: Deduction[]) => void }) {
  const set = (index: number, patch: Partial<Deduction>) => onChange(deductions.map((d, i) => (i === index ? { ...d, ...patch } : d)));
  return (
    <div className="mt-4 space-y-2">
      <h3 className="text-sm font-medium text-slate-700">Deductions (back-charges, contra charges)</h3>
      {deductions.map((d, i) => (
        <div key={i} className="grid gap-2 md:grid-cols-[10rem_1fr_1fr_8rem_auto]">
          <Select aria-label={`Deduction ${i + 1} kind`} value={d.kind} onChange={(e) => set(i, { kind: e.target.value as Deduction['kind'] })}>
            {Object.entries(deductionKindLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
          <Input aria-label={`Deduction ${i + 1} description`} placeholder="Description" value={d.description} onChange={(e) => set(i, { description: e.target.value })} />
          <Input aria-label={`Deduction ${i + 1} reason`} placeholder="Reason" value={d.reason} onChange={(e) => set(i, { reason: e.target.value })} />
          <Input aria-label={`Deduction ${i + 1} amount`} inputMode="decimal" placeholder="0.00" value={d.amount} onChange={(e) => set(i, { amount: e.target.value })} />
          <Button variant="ghost" onClick={() => onChange(deductions.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      <Button variant="secondary" onClick={() => onChange([...deductions, { kind: 'back_charge', description: '', reason: '', amount: '' }])}>
        Add deduction
      </Button>
    </div>
  );
}
