'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { Field, Input, Select } from '@/components/ui/field';

type Evidence = { title: string; url: string };

export type MilestoneFormValues = {
  name: string;
  plannedDate: string;
  amountBasis: 'fixed' | 'percent';
  fixedAmount: string;
  percentOfContract: string;
  odooSaleLineId: number | null;
  odooMilestoneId: number | null;
  evidence: Evidence[];
};

const blank: MilestoneFormValues = {
  name: '',
  plannedDate: '',
  amountBasis: 'percent',
  fixedAmount: '',
  percentOfContract: '',
  odooSaleLineId: null,
  odooMilestoneId: null,
  evidence: [],
};

/** Create and edit share this form; the Odoo pick lists are read live from Odoo for the project. */
export function MilestoneForm(props: {
  projectId: string;
  initial?: MilestoneFormValues & { milestoneId: string; version: number };
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.milestones.odooOptions.queryOptions({ projectId: props.projectId }));
  const [values, setValues] = useState<MilestoneFormValues>(props.initial ?? blank);
  const create = useMutation(
    trpc.milestones.create.mutationOptions({
      onSuccess: (result) => router.push(`/projects/${props.projectId}/billing/${result.id}`),
    }),
  );
  const update = useMutation(
    trpc.milestones.update.mutationOptions({
      onSuccess: () => router.push(`/projects/${props.projectId}/billing/${props.initial?.milestoneId}`),
    }),
  );
  const error = create.error ?? update.error;
  const set = <K extends keyof MilestoneFormValues>(key: K, value: MilestoneFormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));

  function pickOdooMilestone(id: number | null) {
    const picked = options.data?.odooMilestones.find((m) => m.id === id);
    setValues((current) => ({
      ...current,
      odooMilestoneId: id,
      // the Odoo milestone names its sale line and share: offered as defaults, still editable
      odooSaleLineId: picked?.saleLineId ?? current.odooSaleLineId,
      name: current.name || picked?.name || '',
      plannedDate: current.plannedDate || picked?.deadline || '',
      percentOfContract: current.percentOfContract || (picked?.quantityPercent ?? ''),
    }));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const payload = {
      name: values.name,
      plannedDate: values.plannedDate,
      amountBasis: values.amountBasis,
      fixedAmount: values.amountBasis === 'fixed' ? values.fixedAmount : null,
      percentOfContract: values.amountBasis === 'percent' ? values.percentOfContract : null,
      odooSaleLineId: values.odooSaleLineId,
      odooMilestoneId: values.odooMilestoneId,
      evidence: values.evidence.filter((e) => e.title || e.url),
    };
    if (props.initial)
      update.mutate({ ...payload, milestoneId: props.initial.milestoneId, version: props.initial.version });
    else create.mutate({ ...payload, projectId: props.projectId });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Milestone">
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      <Card title="Milestone">
        <div className="grid gap-4 md:grid-cols-2">
          <Field label="Name" htmlFor="ms-name">
            <Input
              id="ms-name"
              value={values.name}
              onChange={(e) => set('name', e.target.value)}
              required
              maxLength={200}
            />
          </Field>
          <Field label="Planned date" htmlFor="ms-date">
            <Input
              id="ms-date"
              type="date"
              value={values.plannedDate}
              onChange={(e) => set('plannedDate', e.target.value)}
              required
            />
          </Field>
          <Field label="Amount basis" htmlFor="ms-basis">
            <Select
              id="ms-basis"
              value={values.amountBasis}
              onChange={(e) => set('amountBasis', e.target.value as 'fixed' | 'percent')}
            >
              <option value="percent">Percent of the revised contract value</option>
              <option value="fixed">Fixed amount</option>
            </Select>
          </Field>
          {values.amountBasis === 'fixed' ? (
            <Field label="Amount" htmlFor="ms-amount" hint="Before client retention, e.g. 125000.00">
              <Input
                id="ms-amount"
                inputMode="decimal"
                value={values.fixedAmount}
                onChange={(e) => set('fixedAmount', e.target.value)}
                required
              />
            </Field>
          ) : (
            <Field
              label="Percent of contract"
              htmlFor="ms-percent"
              hint="Priced on the revised contract value (with approved client COs) when finance releases it."
            >
              <Input
                id="ms-percent"
                inputMode="decimal"
                value={values.percentOfContract}
                onChange={(e) => set('percentOfContract', e.target.value)}
                required
              />
            </Field>
          )}
        </div>
      </Card>
      <Card title="Odoo">
        {options.data?.message ? <Alert tone="info">{options.data.message}</Alert> : null}
        <div className="grid gap-4 md:grid-cols-2">
          <Field label="Odoo project milestone" htmlFor="ms-odoo-milestone">
            <Select
              id="ms-odoo-milestone"
              value={values.odooMilestoneId ?? ''}
              onChange={(e) => pickOdooMilestone(e.target.value ? Number(e.target.value) : null)}
            >
              <option value="">
                {options.isLoading ? 'Reading Odoo…' : 'None (matched by name at release)'}
              </option>
              {(options.data?.odooMilestones ?? []).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                  {m.deadline ? ` · ${m.deadline}` : ''}
                  {m.quantityPercent ? ` · ${m.quantityPercent} %` : ''}
                  {m.isReached ? ' · reached' : ''}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Sale order line" htmlFor="ms-sale-line">
            <Select
              id="ms-sale-line"
              value={values.odooSaleLineId ?? ''}
              onChange={(e) => set('odooSaleLineId', e.target.value ? Number(e.target.value) : null)}
            >
              <option value="">
                {options.isLoading ? 'Reading Odoo…' : 'None (the contract line is used)'}
              </option>
              {(options.data?.saleLines ?? []).map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name} · {l.priceSubtotal}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      </Card>
      <Card
        title="Evidence"
        actions={
          <Button
            variant="secondary"
            onClick={() => set('evidence', [...values.evidence, { title: '', url: '' }])}
          >
            Add link
          </Button>
        }
      >
        <div className="space-y-2">
          {values.evidence.map((item, index) => (
            <div key={index} className="grid gap-2 md:grid-cols-[1fr_2fr_auto]">
              <Input
                aria-label={`Evidence ${index + 1} title`}
                placeholder="Title"
                value={item.title}
                onChange={(e) =>
                  set(
                    'evidence',
                    values.evidence.map((ev, i) => (i === index ? { ...ev, title: e.target.value } : ev)),
                  )
                }
              />
              <Input
                aria-label={`Evidence ${index + 1} link`}
                placeholder="https://…"
                value={item.url}
                onChange={(e) =>
                  set(
                    'evidence',
                    values.evidence.map((ev, i) => (i === index ? { ...ev, url: e.target.value } : ev)),
                  )
                }
              />
              <Button
                variant="secondary"
                onClick={() =>
                  set(
                    'evidence',
                    values.evidence.filter((_, i) => i !== index),
                  )
                }
              >
                Remove
              </Button>
            </div>
          ))}
          {values.evidence.length === 0 ? (
            <p className="text-sm text-slate-500">
              No evidence linked yet (photos, inspection certificates, the client&apos;s sign-off).
            </p>
          ) : null}
        </div>
      </Card>
      <div className="flex gap-2">
        <Button type="submit" disabled={create.isPending || update.isPending}>
          {props.initial ? 'Save milestone' : 'Create milestone'}
        </Button>
      </div>
    </form>
  );
}
