'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { describedBy, Field, FieldError, Input, Select, Textarea } from '@/components/ui/field';
import { fieldsOfIssues, formErrorsOf } from '@/components/ui/form-errors';
import { formatMoneyDisplay } from '@/components/ui/format';
import { useUnsavedChanges } from '@/components/ui/use-unsaved-changes';
import { createChangeOrderInput } from '@/server/modules/change-orders/change-order.schemas';
import { kindLabels, reasonLabels } from './labels';

type Kind = 'client' | 'commitment' | 'internal';
type Reason = keyof typeof reasonLabels;
type Line = {
  costCodeId: string;
  description: string;
  quantity: string;
  unit: string;
  unitCost: string;
  sellAmount: string;
};
type Doc = { title: string; url: string };

export type ChangeOrderFormValues = {
  kind: Kind;
  title: string;
  reason: Reason;
  description: string;
  scheduleImpactDays: number;
  subcontractId: string | null;
  clientChangeOrderId: string | null;
  lines: Line[];
  documents: Doc[];
};

const emptyLine: Line = {
  costCodeId: '',
  description: '',
  quantity: '1',
  unit: 'item',
  unitCost: '',
  sellAmount: '',
};

/** Create and edit share this form; totals come from the server's own calculation. */
export function ChangeOrderForm(props: {
  projectId: string;
  currency: string;
  initial?: ChangeOrderFormValues & { changeOrderId: string; version: number };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.changeOrders.formOptions.queryOptions({ projectId: props.projectId }));
  const [values, setValues] = useState<ChangeOrderFormValues>(
    props.initial ?? {
      kind: 'client',
      title: '',
      reason: 'client_instruction',
      description: '',
      scheduleImpactDays: 0,
      subcontractId: null,
      clientChangeOrderId: null,
      lines: [{ ...emptyLine }],
      documents: [],
    },
  );
  const [debounced, setDebounced] = useState(values);
  const [initialValues] = useState(values);
  // what the schema refused on the last submit attempt, by path ("lines.0.unitCost"); cleared as fields change
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const [submitted, setSubmitted] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(values), 350);
    return () => clearTimeout(timer);
  }, [values]);

  const linesForServer = (lines: Line[], kind: Kind) =>
    lines.map((line) => ({ ...line, sellAmount: kind === 'client' ? line.sellAmount || null : null }));
  const previewReady = debounced.lines.every(
    (l) => l.costCodeId && l.description && l.quantity && l.unitCost && l.unit,
  );
  const preview = useQuery({
    ...trpc.changeOrders.preview.queryOptions({
      kind: debounced.kind,
      lines: linesForServer(debounced.lines, debounced.kind),
    }),
    enabled: previewReady,
    retry: false,
  });

  const create = useMutation(
    trpc.changeOrders.create.mutationOptions({
      onSuccess: (result) => router.push(`/projects/${props.projectId}/change-orders/${result.id}`),
    }),
  );
  const update = useMutation(
    trpc.changeOrders.update.mutationOptions({
      onSuccess: () =>
        router.push(`/projects/${props.projectId}/change-orders/${props.initial?.changeOrderId}`),
    }),
  );
  const mutationError = create.error ?? update.error;
  const serverErrors = formErrorsOf(mutationError);
  const errors = { ...serverErrors.fields, ...clientErrors };
  const err = (path: string) => errors[path] ?? null;
  // after a successful save the page navigates away: no warning for that; a refusal keeps it on
  useUnsavedChanges(
    !(submitted && !mutationError) && JSON.stringify(values) !== JSON.stringify(initialValues),
  );

  const set = <K extends keyof ChangeOrderFormValues>(key: K, value: ChangeOrderFormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));
  const setLine = (index: number, patch: Partial<Line>) => {
    // an error goes away as soon as its field is edited
    setClientErrors((current) =>
      Object.fromEntries(
        Object.entries(current).filter(
          ([path]) => !Object.keys(patch).some((k) => path === `lines.${index}.${k}`),
        ),
      ),
    );
    set(
      'lines',
      values.lines.map((line, i) => (i === index ? { ...line, ...patch } : line)),
    );
  };
  const lineAria = (index: number, field: string) =>
    describedBy(`co-line-${index + 1}-${field}`, err(`lines.${index}.${field}`));
  const lineError = (index: number, field: string) =>
    err(`lines.${index}.${field}`) ? (
      <FieldError
        id={`co-line-${index + 1}-${field}-error`}
        message={`Line ${index + 1}: ${err(`lines.${index}.${field}`)}`}
      />
    ) : null;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const payload = {
      kind: values.kind,
      title: values.title,
      reason: values.reason as 'client_instruction',
      description: values.description,
      scheduleImpactDays: values.scheduleImpactDays,
      subcontractId: values.kind === 'commitment' ? values.subcontractId : null,
      clientChangeOrderId: values.kind === 'commitment' ? values.clientChangeOrderId || null : null,
      lines: linesForServer(values.lines, values.kind),
      documents: values.documents.filter((doc) => doc.title || doc.url),
    };
    // the server's own schema, run here first: every problem shows on its field at once
    const checked = createChangeOrderInput.safeParse({ ...payload, projectId: props.projectId });
    if (!checked.success) {
      const fields = fieldsOfIssues(checked.error.issues);
      // an unchosen select fails the id format: say what to do instead
      for (const path of Object.keys(fields)) {
        if (path.endsWith('costCodeId')) fields[path] = 'Choose a cost code.';
        if (path === 'subcontractId') fields[path] = 'Choose the subcontract this change order changes.';
      }
      setClientErrors(fields);
      return;
    }
    setClientErrors({});
    setSubmitted(true);
    if (props.initial)
      update.mutate({
        ...payload,
        changeOrderId: props.initial.changeOrderId,
        version: props.initial.version,
      });
    else create.mutate({ ...payload, projectId: props.projectId });
  }

  const codes = options.data?.costCodes ?? [];
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Change order">
      {Object.keys(errors).length > 0 ? (
        <Alert>
          Please correct{' '}
          {Object.keys(errors).length === 1 ? 'the field' : `the ${Object.keys(errors).length} fields`} marked
          below.
        </Alert>
      ) : mutationError ? (
        <Alert>{errorMessage(mutationError)}</Alert>
      ) : null}
      <Card title="Details">
        <div className="grid gap-4 md:grid-cols-2">
          <Field label="Kind" htmlFor="co-kind">
            <Select id="co-kind" value={values.kind} onChange={(e) => set('kind', e.target.value as Kind)}>
              {Object.entries(kindLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Reason" htmlFor="co-reason">
            <Select
              id="co-reason"
              value={values.reason}
              onChange={(e) => set('reason', e.target.value as Reason)}
            >
              {Object.entries(reasonLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Title" htmlFor="co-title" error={err('title') ? `Title: ${err('title')}` : null}>
            <Input
              id="co-title"
              {...describedBy('co-title', err('title'))}
              value={values.title}
              onChange={(e) => (
                setClientErrors(({ title: _t, ...rest }) => rest),
                set('title', e.target.value)
              )}
              required
              maxLength={200}
            />
          </Field>
          <Field label="Schedule impact (days)" htmlFor="co-days">
            <Input
              id="co-days"
              type="number"
              value={values.scheduleImpactDays}
              onChange={(e) => set('scheduleImpactDays', Number.parseInt(e.target.value || '0', 10))}
            />
          </Field>
          {values.kind === 'commitment' ? (
            <>
              <Field label="Subcontract" htmlFor="co-subcontract" error={err('subcontractId')}>
                <Select
                  id="co-subcontract"
                  {...describedBy('co-subcontract', err('subcontractId'))}
                  value={values.subcontractId ?? ''}
                  onChange={(e) => set('subcontractId', e.target.value || null)}
                  required
                >
                  <option value="">Choose…</option>
                  {(options.data?.subcontracts ?? []).map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.reference} · {s.vendorName} · {s.title}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Caused by client change order (optional)" htmlFor="co-client">
                <Select
                  id="co-client"
                  value={values.clientChangeOrderId ?? ''}
                  onChange={(e) => set('clientChangeOrderId', e.target.value || null)}
                >
                  <option value="">None</option>
                  {(options.data?.clientChangeOrders ?? []).map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.reference} · {c.title}
                    </option>
                  ))}
                </Select>
              </Field>
            </>
          ) : null}
          <div className="md:col-span-2">
            <Field label="Description" htmlFor="co-description">
              <Textarea
                id="co-description"
                rows={3}
                value={values.description}
                onChange={(e) => set('description', e.target.value)}
                maxLength={5000}
              />
            </Field>
          </div>
        </div>
      </Card>

      <Card
        title="Lines"
        actions={
          <Button variant="secondary" onClick={() => set('lines', [...values.lines, { ...emptyLine }])}>
            Add line
          </Button>
        }
      >
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="text-left text-slate-500">
                <th className="pb-1 pr-2">Cost code</th>
                <th className="pb-1 pr-2">Description</th>
                <th className="pb-1 pr-2">Qty</th>
                <th className="pb-1 pr-2">Unit</th>
                <th className="pb-1 pr-2">Unit cost</th>
                {values.kind === 'client' ? <th className="pb-1 pr-2">Sell</th> : null}
                <th className="pb-1 pr-2 text-right">Cost</th>
                <th>
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {values.lines.map((line, index) => (
                <tr key={index} className="align-top">
                  <td className="py-1 pr-2">
                    <Select
                      aria-label={`Line ${index + 1} cost code`}
                      {...lineAria(index, 'costCodeId')}
                      value={line.costCodeId}
                      onChange={(e) => setLine(index, { costCodeId: e.target.value })}
                      required
                    >
                      <option value="">Choose…</option>
                      {codes.map((code) => (
                        <option key={code.id} value={code.id}>
                          {code.code} {code.name}
                        </option>
                      ))}
                    </Select>
                    {lineError(index, 'costCodeId')}
                  </td>
                  <td className="py-1 pr-2">
                    <Input
                      aria-label={`Line ${index + 1} description`}
                      {...lineAria(index, 'description')}
                      value={line.description}
                      onChange={(e) => setLine(index, { description: e.target.value })}
                      required
                    />
                    {lineError(index, 'description')}
                  </td>
                  <td className="w-24 py-1 pr-2">
                    <Input
                      aria-label={`Line ${index + 1} quantity`}
                      {...lineAria(index, 'quantity')}
                      value={line.quantity}
                      inputMode="decimal"
                      onChange={(e) => setLine(index, { quantity: e.target.value })}
                      required
                    />
                    {lineError(index, 'quantity')}
                  </td>
                  <td className="w-20 py-1 pr-2">
                    <Input
                      aria-label={`Line ${index + 1} unit`}
                      {...lineAria(index, 'unit')}
                      value={line.unit}
                      onChange={(e) => setLine(index, { unit: e.target.value })}
                      required
                    />
                    {lineError(index, 'unit')}
                  </td>
                  <td className="w-32 py-1 pr-2">
                    <Input
                      aria-label={`Line ${index + 1} unit cost`}
                      {...lineAria(index, 'unitCost')}
                      value={line.unitCost}
                      inputMode="decimal"
                      onChange={(e) => setLine(index, { unitCost: e.target.value })}
                      required
                    />
                    {lineError(index, 'unitCost')}
                  </td>
                  {values.kind === 'client' ? (
                    <td className="w-32 py-1 pr-2">
                      <Input
                        aria-label={`Line ${index + 1} sell amount`}
                        {...lineAria(index, 'sellAmount')}
                        value={line.sellAmount}
                        inputMode="decimal"
                        onChange={(e) => setLine(index, { sellAmount: e.target.value })}
                        required
                      />
                      {lineError(index, 'sellAmount')}
                    </td>
                  ) : null}
                  <td className="tabular py-2 pr-2 text-right">
                    {preview.data?.lines[index]
                      ? formatMoneyDisplay(preview.data.lines[index]!.costAmount, props.currency)
                      : '—'}
                  </td>
                  <td className="py-1">
                    {values.lines.length > 1 ? (
                      <Button
                        variant="ghost"
                        aria-label={`Remove line ${index + 1}`}
                        onClick={() =>
                          set(
                            'lines',
                            values.lines.filter((_, i) => i !== index),
                          )
                        }
                      >
                        ✕
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="mt-3 flex flex-wrap justify-end gap-6 text-sm" data-testid="co-totals">
          {preview.error ? <span className="text-red-700">{errorMessage(preview.error)}</span> : null}
          <span>
            Cost total:{' '}
            <strong className="tabular">
              {preview.data ? formatMoneyDisplay(preview.data.costTotal, props.currency) : '—'}
            </strong>
          </span>
          {values.kind === 'client' ? (
            <span>
              Sell total:{' '}
              <strong className="tabular">
                {preview.data?.sellTotal ? formatMoneyDisplay(preview.data.sellTotal, props.currency) : '—'}
              </strong>
            </span>
          ) : null}
        </div>
      </Card>

      <Card
        title="Documents"
        actions={
          <Button
            variant="secondary"
            onClick={() => set('documents', [...values.documents, { title: '', url: '' }])}
          >
            Add link
          </Button>
        }
      >
        {values.documents.length === 0 ? (
          <p className="text-sm text-slate-500">Link drawings and instructions from the document system.</p>
        ) : null}
        {values.documents.map((doc, index) => (
          <div key={index} className="mb-2 grid gap-2 md:grid-cols-[1fr_2fr_auto]">
            <Input
              aria-label={`Document ${index + 1} title`}
              placeholder="Title"
              value={doc.title}
              onChange={(e) =>
                set(
                  'documents',
                  values.documents.map((d, i) => (i === index ? { ...d, title: e.target.value } : d)),
                )
              }
            />
            <Input
              aria-label={`Document ${index + 1} link`}
              placeholder="https://…"
              value={doc.url}
              onChange={(e) =>
                set(
                  'documents',
                  values.documents.map((d, i) => (i === index ? { ...d, url: e.target.value } : d)),
                )
              }
            />
            <Button
              variant="ghost"
              onClick={() =>
                set(
                  'documents',
                  values.documents.filter((_, i) => i !== index),
                )
              }
            >
              Remove
            </Button>
          </div>
        ))}
      </Card>

      <div className="flex gap-2">
        <Button type="submit" disabled={create.isPending || update.isPending}>
          {create.isPending || update.isPending ? 'Saving…' : props.initial ? 'Save draft' : 'Create draft'}
        </Button>
        <Button variant="secondary" onClick={() => router.back()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
