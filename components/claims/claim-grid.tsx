'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm';
import { Alert, Card } from '@/components/ui/feedback';
import { describedBy, Field, FieldError, Input, Select, Textarea } from '@/components/ui/field';
import { formErrorsOf } from '@/components/ui/form-errors';
import { formatMoneyDisplay } from '@/components/ui/format';
import { useUnsavedChanges } from '@/components/ui/use-unsaved-changes';
import type { ClaimDetail } from '@/server/modules/claims/claim.schemas';
import { previewClaim, type LineIssue } from '@/server/modules/claims/claim-preview.calc';
import { deductionKindLabels } from './labels';

type Deduction = {
  kind: 'back_charge' | 'contra_charge';
  description: string;
  reason: string;
  amount: string;
};
type Mode = 'view' | 'claim' | 'certify';

const cell = 'py-1.5 pr-2';
const num = `tabular whitespace-nowrap text-right ${cell}`;
// the first column stays in view while the grid scrolls sideways inside its card
const frozen = 'sticky left-0 z-10 bg-white';

/**
 * The certification grid: SOV, previous, claimed, certified, this period, % complete, balance. While
 * the QS types, every figure is recalculated in the browser by the server's own `calculateClaim`
 * (through `previewClaim`), each cut is shown next to its line and a missing reason is flagged on the
 * line. The server calculates again on save or certify; what it stores is what it computes.
 */
export function ClaimGrid({
  claim,
  mode,
  onDone,
}: {
  claim: ClaimDetail;
  mode: Mode;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const currency = claim.project.currency;
  const money = (value: string | null | undefined) => formatMoneyDisplay(value, currency);
  const [entry, setEntry] = useState<'amount' | 'percent'>('amount');
  const initial = useMemo(
    () => ({
      claimed: Object.fromEntries(claim.lines.map((l) => [l.sovLineId, l.claimedToDateAmount])),
      certified: Object.fromEntries(
        claim.lines.map((l) => [l.sovLineId, l.certifiedToDateAmount ?? l.claimedToDateAmount]),
      ),
      reasons: Object.fromEntries(claim.lines.map((l) => [l.sovLineId, l.certifyReason ?? ''])),
      materials: claim.materialsStoredToDateAmount,
      materialsReason: claim.materialsReason ?? '',
      deductions: claim.deductions.map((d) => ({
        kind: d.kind,
        description: d.description,
        reason: d.reason,
        amount: d.amount,
      })) as Deduction[],
    }),
    [claim],
  );
  const [claimed, setClaimed] = useState<Record<string, string>>(initial.claimed);
  const [certified, setCertified] = useState<Record<string, string>>(initial.certified);
  const [reasons, setReasons] = useState<Record<string, string>>(initial.reasons);
  const [materials, setMaterials] = useState(initial.materials);
  const [materialsReason, setMaterialsReason] = useState(initial.materialsReason);
  const [deductions, setDeductions] = useState<Deduction[]>(initial.deductions);
  const [comment, setComment] = useState('');
  const [showIssues, setShowIssues] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const editable = mode !== 'view' && claim.type === 'progress';
  // what is typed, against what was last loaded or saved: a save (and the refetch that follows it,
  // while the mutation is still pending) never leaves a "dirty" form behind to stop the next navigation
  const snapshot = JSON.stringify([
    claimed,
    certified,
    reasons,
    materials,
    materialsReason,
    deductions,
    comment,
  ]);
  const [saved, setSaved] = useState(() =>
    JSON.stringify([
      initial.claimed,
      initial.certified,
      initial.reasons,
      initial.materials,
      initial.materialsReason,
      initial.deductions,
      '',
    ]),
  );

  const refresh = async () => queryClient.invalidateQueries({ queryKey: trpc.claims.pathKey() });
  const update = useMutation(
    trpc.claims.update.mutationOptions({ onSuccess: async () => (onDone('Claim saved.'), await refresh()) }),
  );
  const certify = useMutation(
    trpc.claims.certify.mutationOptions({
      onSuccess: async (r) => (onDone(`Claim certified: ${money(r.due)} due this claim.`), await refresh()),
    }),
  );
  const dirty = editable && !update.isPending && !certify.isPending && snapshot !== saved;
  useUnsavedChanges(dirty);
  const serverErrors = formErrorsOf(update.error ?? certify.error);

  const preview = useMemo(
    () =>
      mode !== 'view' && claim.calculationInput
        ? previewClaim(claim.calculationInput, {
            mode: mode === 'certify' ? 'certify' : 'claim',
            claimed: editable ? claimed : undefined,
            claimedAs: entry,
            certified: editable ? certified : undefined,
            reasons,
            materialsStoredToDate: editable ? materials : claim.materialsStoredToDateAmount,
            deductions: editable ? deductions : [],
          })
        : null,
    [mode, claim, editable, claimed, entry, certified, reasons, materials, deductions],
  );
  const shown = preview?.calculation ?? claim.calculation;
  const calcLines = new Map((shown?.lines ?? []).map((l) => [l.sovLineId, l]));

  /** What is wrong on a line: the live check first, then what the server said about it. */
  function issueOf(sovLineId: string, index: number): LineIssue | null {
    const live = preview?.lineIssues[sovLineId];
    // a missing reason shows as soon as the figure differs; format problems at once too
    if (live) return live;
    const field =
      mode === 'certify' ? 'certifiedToDate' : entry === 'percent' ? 'claimedPercent' : 'claimedToDate';
    const fromSchema =
      serverErrors.fields[`lines.${index}.${field}`] ?? serverErrors.fields[`lines.${index}.reason`];
    if (fromSchema) return { field: mode === 'certify' ? 'certified' : 'claimed', message: fromSchema };
    if (serverErrors.sovLineId === sovLineId && serverErrors.summary)
      return {
        field: /reason/i.test(serverErrors.summary) ? 'reason' : mode === 'certify' ? 'certified' : 'claimed',
        message: serverErrors.summary,
      };
    return null;
  }
  const issues = claim.lines
    .map((l, i) => ({ line: l, issue: issueOf(l.sovLineId, i) }))
    .filter((x): x is { line: (typeof claim.lines)[number]; issue: LineIssue } => !!x.issue);
  const formError = preview?.error ?? null;
  const summary =
    serverErrors.summary && !serverErrors.sovLineId && Object.keys(serverErrors.fields).length === 0
      ? serverErrors.summary
      : null;

  function payload() {
    return {
      claimId: claim.id,
      version: claim.version,
      materialsStoredToDate: materials.trim() || '0',
      deductions,
    };
  }
  function save(event?: FormEvent) {
    event?.preventDefault();
    const markSaved = { onSuccess: () => setSaved(snapshot) };
    if (mode === 'claim') {
      update.mutate(
        {
          ...payload(),
          lines: claim.lines.map((l) => ({
            sovLineId: l.sovLineId,
            ...(entry === 'percent'
              ? { claimedPercent: claimed[l.sovLineId]?.trim() || '0' }
              : { claimedToDate: claimed[l.sovLineId]?.trim() || '0' }),
          })),
        },
        markSaved,
      );
    } else if (mode === 'certify') {
      certify.mutate(
        {
          ...payload(),
          comment: comment || undefined,
          materialsReason: materialsReason.trim() || undefined,
          lines: claim.lines.map((l) => ({
            sovLineId: l.sovLineId,
            certifiedToDate: certified[l.sovLineId]?.trim() || '0',
            reason: reasons[l.sovLineId]?.trim() || undefined,
          })),
        },
        markSaved,
      );
    }
  }
  /** Before the confirmation: the lines to correct, with focus on the first. */
  function readyToCertify(): boolean {
    if (issues.length === 0 && !formError) return true;
    setShowIssues(true);
    const first = issues[0];
    if (first)
      formRef.current
        ?.querySelector<HTMLInputElement>(
          `[data-line="${first.line.lineNo}"][data-field="${first.issue.field}"]`,
        )
        ?.focus();
    return false;
  }

  const totals = shown?.totals;
  const lineIssueId = (lineNo: number) => `claim-line-${lineNo}-error`;
  const cuts = preview?.cuts ?? {};
  const dueLive = preview?.calculation?.dueThisClaim;
  return (
    <form
      ref={formRef}
      id={`claim-form-${claim.id}`}
      aria-label={mode === 'certify' ? 'Certification' : 'Claim'}
      onSubmit={save}
      noValidate
      className="space-y-4"
    >
      <Card
        title={mode === 'certify' ? 'Certification grid' : 'Schedule of values'}
        actions={
          mode === 'claim' ? (
            <label className="flex items-center gap-2 text-sm">
              Enter claimed as
              <Select
                aria-label="Enter claimed as"
                value={entry}
                onChange={(e) => setEntry(e.target.value as 'amount' | 'percent')}
                className="w-auto"
              >
                <option value="amount">amount to date</option>
                <option value="percent">% of scheduled</option>
              </Select>
            </label>
          ) : null
        }
      >
        {summary ? <Alert>{summary}</Alert> : null}
        {(showIssues || serverErrors.summary) && issues.length > 0 ? (
          <Alert>
            <span className="block font-medium">
              Correct {issues.length === 1 ? 'this line' : `these ${issues.length} lines`} first:
            </span>
            <ul className="mt-1 list-disc pl-5" data-testid="grid-issues">
              {issues.map(({ line, issue }) => (
                <li key={line.sovLineId}>
                  Line {line.lineNo}: {issue.message}
                </li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {formError ? <Alert>{formError}</Alert> : null}
        {claim.calculationError && !preview?.calculation ? (
          <Alert tone="warning">{claim.calculationError}</Alert>
        ) : null}
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" data-testid="claim-grid">
            <thead>
              <tr className="text-left text-slate-600">
                <th scope="col" className={`${cell} ${frozen} min-w-40`}>
                  SOV line
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  Scheduled
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  Previous
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  Claimed to date
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  Certified to date
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  This period
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  % complete
                </th>
                <th scope="col" className={`${cell} text-right`}>
                  Balance
                </th>
                <th scope="col" className="py-1">
                  Reason
                </th>
              </tr>
            </thead>
            <tbody>
              {claim.lines.map((line, index) => {
                const calc = calcLines.get(line.sovLineId);
                const issue = issueOf(line.sovLineId, index);
                const errorId = lineIssueId(line.lineNo);
                const aria = (field: LineIssue['field']) =>
                  describedBy(`claim-line-${line.lineNo}`, issue?.field === field ? issue.message : null);
                const cut = cuts[line.sovLineId];
                return (
                  <tr
                    key={line.sovLineId}
                    className={`border-t border-slate-100 align-top ${issue ? 'bg-red-50/40' : ''}`}
                    data-testid={`claim-line-${line.lineNo}`}
                  >
                    <th scope="row" className={`${cell} ${frozen} text-left font-normal`}>
                      <span className="text-slate-600">{line.lineNo}</span> {line.description}
                      {line.costCode ? (
                        <span className="block font-mono text-xs text-slate-600">{line.costCode}</span>
                      ) : null}
                    </th>
                    <td className={num}>{money(calc?.scheduledValue ?? line.scheduledAmount)}</td>
                    <td className={num}>
                      {money(calc?.previousCertifiedToDate ?? line.previousCertifiedAmount)}
                    </td>
                    <td className={num}>
                      {editable && mode === 'claim' ? (
                        <Input
                          aria-label={`Line ${line.lineNo} claimed to date`}
                          data-line={line.lineNo}
                          data-field="claimed"
                          {...aria('claimed')}
                          inputMode="decimal"
                          className="w-32 text-right"
                          value={claimed[line.sovLineId] ?? ''}
                          onChange={(e) => setClaimed({ ...claimed, [line.sovLineId]: e.target.value })}
                        />
                      ) : (
                        money(line.claimedToDateAmount)
                      )}
                    </td>
                    <td className={num}>
                      {editable && mode === 'certify' ? (
                        <Input
                          aria-label={`Line ${line.lineNo} certified to date`}
                          data-line={line.lineNo}
                          data-field="certified"
                          {...aria('certified')}
                          inputMode="decimal"
                          className="w-32 text-right"
                          value={certified[line.sovLineId] ?? ''}
                          onChange={(e) => setCertified({ ...certified, [line.sovLineId]: e.target.value })}
                        />
                      ) : (
                        money(calc?.certifiedToDate ?? line.certifiedToDateAmount)
                      )}
                      {cut ? (
                        <span
                          className={`mt-0.5 block text-xs font-medium ${cut.startsWith('-') ? 'text-red-700' : 'text-green-800'}`}
                          data-testid={`line-${line.lineNo}-cut`}
                        >
                          {money(cut)} vs claimed
                        </span>
                      ) : null}
                    </td>
                    <td className={num} data-testid={`line-${line.lineNo}-this-period`}>
                      {money(calc?.thisPeriod)}
                    </td>
                    <td className={num}>{calc?.percentComplete ? `${calc.percentComplete} %` : '—'}</td>
                    <td className={num} data-testid={`line-${line.lineNo}-balance`}>
                      {money(calc?.balance)}
                    </td>
                    <td className="min-w-48 py-1.5">
                      {editable && mode === 'certify' ? (
                        <Input
                          aria-label={`Line ${line.lineNo} reason`}
                          data-line={line.lineNo}
                          data-field="reason"
                          {...aria('reason')}
                          placeholder="Where certified differs from claimed"
                          value={reasons[line.sovLineId] ?? ''}
                          onChange={(e) => setReasons({ ...reasons, [line.sovLineId]: e.target.value })}
                        />
                      ) : (
                        <span className="text-xs text-slate-700">{line.certifyReason ?? ''}</span>
                      )}
                      <FieldError
                        id={errorId}
                        message={issue ? `Line ${line.lineNo}: ${issue.message}` : null}
                      />
                    </td>
                  </tr>
                );
              })}
              {totals ? (
                <tr className="border-t border-slate-300 font-medium" data-testid="claim-grid-totals">
                  <th scope="row" className={`${cell} ${frozen} text-left`}>
                    Total work
                  </th>
                  <td className={num}>{money(totals.scheduledValue)}</td>
                  <td className={num}>{money(totals.previousCertifiedToDate)}</td>
                  <td className={num}>{money(totals.claimedToDate)}</td>
                  <td className={num} data-testid="grid-total-certified">
                    {money(totals.certifiedToDate)}
                  </td>
                  <td className={num}>{money(totals.thisPeriod)}</td>
                  <td className={num}>{totals.percentComplete ? `${totals.percentComplete} %` : '—'}</td>
                  <td className={num}>{money(totals.balance)}</td>
                  <td />
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        {preview?.calculation && editable ? (
          <LiveTotals calc={preview.calculation} money={money} mode={mode} />
        ) : null}
      </Card>
      {editable ? (
        <Card title="Materials on site and deductions">
          <div className="grid gap-3 md:grid-cols-3">
            <Field
              label="Materials stored on site to date"
              htmlFor="claim-materials"
              error={
                serverErrors.fields.materialsStoredToDate ??
                (formError?.startsWith('Materials') ? formError : null)
              }
            >
              <Input
                id="claim-materials"
                inputMode="decimal"
                {...describedBy(
                  'claim-materials',
                  serverErrors.fields.materialsStoredToDate ??
                    (formError?.startsWith('Materials') ? formError : null),
                )}
                value={materials}
                onChange={(e) => setMaterials(e.target.value)}
              />
            </Field>
            {mode === 'certify' ? (
              <Field
                label={`Materials reason (claimed ${money(claim.materialsClaimedToDateAmount)}; required when different)`}
                htmlFor="claim-materials-reason"
              >
                <Input
                  id="claim-materials-reason"
                  value={materialsReason}
                  onChange={(e) => setMaterialsReason(e.target.value)}
                  maxLength={1000}
                />
              </Field>
            ) : null}
          </div>
          <DeductionEditor deductions={deductions} onChange={setDeductions} errors={serverErrors.fields} />
          {mode === 'certify' ? (
            <Field label="Comment (optional)" htmlFor="certify-comment" error={serverErrors.fields.comment}>
              <Textarea
                id="certify-comment"
                rows={2}
                {...describedBy('certify-comment', serverErrors.fields.comment)}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                maxLength={2000}
              />
            </Field>
          ) : null}
          <div className="mt-3 flex flex-wrap items-center gap-3">
            {mode === 'certify' ? (
              <ConfirmButton
                label="Certify claim"
                title={`Certify ${claim.reference}?`}
                confirmLabel="Certify"
                pending={certify.isPending}
                beforeOpen={readyToCertify}
                onConfirm={() => save()}
              >
                <p>
                  Amount due this claim:{' '}
                  <strong data-testid="confirm-due">
                    {money(dueLive ?? claim.calculation?.dueThisClaim)}
                  </strong>{' '}
                  to {claim.vendor.name}.
                </p>
                <p>
                  Certified to date {money(preview?.calculation?.totals.certifiedToDate)} against{' '}
                  {money(preview?.calculation?.totals.claimedToDate)} claimed
                  {Object.keys(cuts).length > 0
                    ? `; ${Object.keys(cuts).length} line${Object.keys(cuts).length === 1 ? '' : 's'} differ from the claim, each with its reason`
                    : ''}
                  .
                </p>
                <p>
                  The certificate is issued to the subcontractor and goes to the PM for approval; it cannot be
                  edited afterwards.
                </p>
              </ConfirmButton>
            ) : (
              <Button type="submit" disabled={update.isPending}>
                {update.isPending ? 'Saving…' : 'Save claim'}
              </Button>
            )}
            {dirty ? <span className="text-xs text-slate-600">Unsaved changes</span> : null}
          </div>
        </Card>
      ) : mode === 'certify' ? (
        <ConfirmButton
          label="Certify retention release"
          title={`Certify ${claim.reference}?`}
          confirmLabel="Certify"
          pending={certify.isPending}
          onConfirm={() => save()}
        >
          <p>
            Retention released by this claim:{' '}
            <strong>{money(claim.calculation?.retention.releasedThisClaim)}</strong>, due to{' '}
            {claim.vendor.name}: <strong>{money(claim.calculation?.dueThisClaim)}</strong>.
          </p>
        </ConfirmButton>
      ) : null}
    </form>
  );
}

/** What the claim comes to if saved/certified as on screen (recalculated as the QS types). */
function LiveTotals({
  calc,
  money,
  mode,
}: {
  calc: NonNullable<ReturnType<typeof previewClaim>['calculation']>;
  money: (v: string) => string;
  mode: Mode;
}) {
  const rows: [string, string, string][] = [
    ['Completed to date', calc.completedToDate, 'live-completed'],
    ['Retention held to date', calc.retention.heldToDate, 'live-retention'],
    ['Deductions to date', calc.deductionsToDate, 'live-deductions'],
    ['Net to date', calc.netToDate, 'live-net'],
    ['Less previous net', calc.previousNetToDate, 'live-previous-net'],
  ];
  return (
    <div className="mt-4 border-t border-slate-200 pt-3" aria-live="polite">
      <h3 className="text-sm font-medium text-slate-800">
        {mode === 'certify' ? 'If certified as entered' : 'If saved as entered'}
      </h3>
      <dl className="mt-1 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-3">
        {rows.map(([label, value, id]) => (
          <div key={id} className="flex justify-between gap-2">
            <dt className="text-slate-600">{label}</dt>
            <dd className="tabular whitespace-nowrap" data-testid={id}>
              {money(value)}
            </dd>
          </div>
        ))}
        <div className="flex justify-between gap-2 font-semibold">
          <dt>Amount due this claim</dt>
          <dd className="tabular whitespace-nowrap" data-testid="live-due">
            {money(calc.dueThisClaim)}
          </dd>
        </div>
      </dl>
    </div>
  );
}

function DeductionEditor({
  deductions,
  onChange,
  errors,
}: {
  deductions: Deduction[];
  onChange: (next: Deduction[]) => void;
  errors: Record<string, string>;
}) {
  const set = (index: number, patch: Partial<Deduction>) =>
    onChange(deductions.map((d, i) => (i === index ? { ...d, ...patch } : d)));
  return (
    <div className="mt-4 space-y-2">
      <h3 className="text-sm font-medium text-slate-700">Deductions (back-charges, contra charges)</h3>
      {deductions.map((d, i) => {
        const err = (field: string) => errors[`deductions.${i}.${field}`];
        const id = (field: string) => `deduction-${i + 1}-${field}`;
        return (
          <div key={i} className="grid gap-2 md:grid-cols-[10rem_1fr_1fr_8rem_auto]">
            <Select
              aria-label={`Deduction ${i + 1} kind`}
              value={d.kind}
              onChange={(e) => set(i, { kind: e.target.value as Deduction['kind'] })}
            >
              {Object.entries(deductionKindLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
            {(['description', 'reason', 'amount'] as const).map((field) => (
              <div key={field}>
                <Input
                  id={id(field)}
                  aria-label={`Deduction ${i + 1} ${field}`}
                  {...describedBy(id(field), err(field))}
                  inputMode={field === 'amount' ? 'decimal' : undefined}
                  placeholder={field === 'amount' ? '0.00' : field === 'reason' ? 'Reason' : 'Description'}
                  value={d[field]}
                  onChange={(e) => set(i, { [field]: e.target.value })}
                />
                <FieldError
                  id={`${id(field)}-error`}
                  message={err(field) ? `Deduction ${i + 1}: ${err(field)}` : null}
                />
              </div>
            ))}
            <Button variant="ghost" onClick={() => onChange(deductions.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </div>
        );
      })}
      <Button
        variant="secondary"
        onClick={() =>
          onChange([...deductions, { kind: 'back_charge', description: '', reason: '', amount: '' }])
        }
      >
        Add deduction
      </Button>
    </div>
  );
}
