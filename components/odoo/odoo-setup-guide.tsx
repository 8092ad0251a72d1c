'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorOf, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card } from '@/components/ui/feedback';
import { Field, Input, Select } from '@/components/ui/field';
import type { SetupRecordInput } from '@/server/modules/odoo-connection/odoo-connection.schemas';

type StepKey =
  'retentionPayableAccountId' | 'retentionReceivableAccountId' | 'changeOrderProductId' | 'costCodePlanId';

/** What the create form asks for, per step (the server's zod schema decides what is valid). */
const createFields: Record<
  StepKey,
  { name: string; code?: string; codeLabel?: string; codeField?: 'code' | 'internalReference' }
> = {
  retentionPayableAccountId: {
    name: 'Retention payable',
    code: '',
    codeLabel: 'Account code',
    codeField: 'code',
  },
  retentionReceivableAccountId: {
    name: 'Retention receivable',
    code: '',
    codeLabel: 'Account code',
    codeField: 'code',
  },
  changeOrderProductId: {
    name: 'Change order work',
    code: '',
    codeLabel: 'Internal reference (optional)',
    codeField: 'internalReference',
  },
  costCodePlanId: { name: 'Cost codes' },
};

/** Admin → Odoo → Setup: each required set-up record, found in Odoo or created after a preview. */
export function OdooSetupGuide() {
  const trpc = useTRPC();
  const guide = useQuery(trpc.odoo.setupGuide.queryOptions());
  if (guide.error) return <Alert>{errorMessage(guide.error)}</Alert>;
  if (!guide.data) return <p className="text-sm text-slate-500">Reading your Odoo…</p>;
  const { steps, mappings, costCodes } = guide.data;
  const missingAccounts = costCodes.filter((c) => c.odooAccountId === null);
  return (
    <div className="grid gap-4">
      {steps.map((step) => (
        <SetupStepCard
          key={step.key}
          step={step as StepProps['step']}
          mappings={mappings as Record<string, number | undefined>}
        />
      ))}
      <Card title="Cost-code analytic accounts">
        <p className="mb-2 text-sm text-slate-600">
          One analytic account per Plumbline cost code, in the cost-code plan, with the cost code as its
          Reference. The pull links them by code.
        </p>
        {!mappings.costCodePlanId ? (
          <p className="text-sm text-slate-500">Choose or create the cost-code plan first.</p>
        ) : (
          <>
            <ul className="mb-3 grid gap-1 text-sm" aria-label="Cost codes and their Odoo accounts">
              {costCodes.map((c) => (
                <li key={c.code}>
                  {c.code} · {c.name}{' '}
                  {c.odooAccountId ? (
                    <Badge tone="green">in Odoo</Badge>
                  ) : (
                    <Badge tone="amber">missing</Badge>
                  )}
                </li>
              ))}
            </ul>
            {missingAccounts.length > 0 ? (
              <CreateWithPreview
                record={{ kind: 'costCodeAccounts' }}
                label={`Preview the ${missingAccounts.length} missing accounts`}
              />
            ) : null}
          </>
        )}
      </Card>
    </div>
  );
}

type StepProps = {
  step: {
    key: StepKey;
    label: string;
    inOdoo: string;
    chosen: { id: number; label: string | null } | null;
    candidates: { id: number; label: string }[];
  };
  mappings: Record<string, number | undefined>;
};

function SetupStepCard({ step, mappings }: StepProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState('');
  const [form, setForm] = useState<{ name: string; code: string } | null>(null);
  const use = useMutation(
    trpc.odoo.saveMappings.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.odoo.setupGuide.queryKey() }),
    }),
  );
  const spec = createFields[step.key];
  const current = {
    retentionPayableAccountId: mappings.retentionPayableAccountId ?? null,
    retentionReceivableAccountId: mappings.retentionReceivableAccountId ?? null,
    purchaseJournalId: mappings.purchaseJournalId ?? null,
    salesJournalId: mappings.salesJournalId ?? null,
    changeOrderProductId: mappings.changeOrderProductId ?? null,
    costCodePlanId: mappings.costCodePlanId ?? null,
  };
  const record = form
    ? ({
        kind: step.key,
        name: form.name,
        ...(spec.codeField === 'code'
          ? { code: form.code }
          : spec.codeField === 'internalReference' && form.code
            ? { internalReference: form.code }
            : {}),
      } as SetupRecordInput)
    : null;
  return (
    <Card
      title={step.label}
      actions={step.chosen ? <Badge tone="green">set up</Badge> : <Badge tone="amber">not set up</Badge>}
    >
      <div className="grid gap-3 text-sm">
        <p>
          {step.chosen ? (
            <>
              In use: <strong>{step.chosen.label}</strong>
            </>
          ) : (
            'Nothing chosen yet: syncs that need it are blocked.'
          )}
        </p>
        <p className="text-slate-600">{step.inOdoo}</p>
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (picked) use.mutate({ ...current, [step.key]: Number(picked) });
          }}
        >
          <Field
            label={`Use an existing one (${step.candidates.length} found in Odoo)`}
            htmlFor={`${step.key}-existing`}
          >
            <Select id={`${step.key}-existing`} value={picked} onChange={(e) => setPicked(e.target.value)}>
              <option value="">— choose —</option>
              {step.candidates.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
          <Button type="submit" variant="secondary" disabled={!picked || use.isPending}>
            Use this
          </Button>
        </form>
        {use.error ? <Alert>{errorMessage(use.error)}</Alert> : null}
        {form === null ? (
          <div>
            <Button variant="secondary" onClick={() => setForm({ name: spec.name, code: spec.code ?? '' })}>
              Create a new one in Odoo…
            </Button>
          </div>
        ) : (
          <div className="grid max-w-md gap-2">
            <Field label="Name" htmlFor={`${step.key}-name`}>
              <Input
                id={`${step.key}-name`}
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
              />
            </Field>
            {spec.codeField ? (
              <Field label={spec.codeLabel ?? 'Code'} htmlFor={`${step.key}-code`}>
                <Input
                  id={`${step.key}-code`}
                  value={form.code}
                  onChange={(e) => setForm({ ...form, code: e.target.value })}
                />
              </Field>
            ) : null}
            {record ? (
              <CreateWithPreview record={record} label="Preview" onCancel={() => setForm(null)} />
            ) : null}
          </div>
        )}
      </div>
    </Card>
  );
}

/** Preview first (Odoo is read, nothing written), then an explicit "Create in Odoo". */
function CreateWithPreview({
  record,
  label,
  onCancel,
}: {
  record: SetupRecordInput;
  label: string;
  onCancel?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const preview = useMutation(trpc.odoo.previewSetupRecord.mutationOptions());
  const create = useMutation(
    trpc.odoo.createSetupRecord.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.odoo.setupGuide.queryKey() }),
    }),
  );
  const error = preview.error ?? create.error;
  const previewed =
    preview.data && JSON.stringify(preview.variables) === JSON.stringify(record) ? preview.data : null;
  return (
    <div className="grid gap-2">
      {error ? (
        <Alert>
          {fieldErrorOf(error, 'name') ??
            fieldErrorOf(error, 'code') ??
            fieldErrorOf(error, 'internalReference') ??
            fieldErrorOf(error, 'kind') ??
            errorMessage(error)}
        </Alert>
      ) : null}
      {create.data ? (
        <Alert tone="success">
          Created in Odoo ({create.data.lines.length} record{create.data.lines.length === 1 ? '' : 's'}) and
          audited.
        </Alert>
      ) : null}
      {previewed && !create.data ? (
        <div className="rounded-md border border-slate-200 p-3" role="region" aria-label="Preview">
          <p className="font-medium">
            {previewed.title}: Plumbline will create in Odoo ({previewed.odooModel})
          </p>
          <ul className="list-disc pl-5">
            {previewed.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          {previewed.mapping ? (
            <p className="text-slate-600">and use it as the {previewed.mapping.toLowerCase()}.</p>
          ) : null}
          <div className="mt-2 flex gap-2">
            <Button
              disabled={create.isPending}
              onClick={() =>
                create.mutate({ ...record, confirm: true } as Parameters<typeof create.mutate>[0])
              }
            >
              Create in Odoo
            </Button>
            {onCancel ? (
              <Button variant="secondary" onClick={onCancel}>
                Cancel
              </Button>
            ) : null}
          </div>
        </div>
      ) : (
        <div className="flex gap-2">
          <Button variant="secondary" disabled={preview.isPending} onClick={() => preview.mutate(record)}>
            {label}
          </Button>
          {onCancel ? (
            <Button variant="secondary" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
        </div>
      )}
    </div>
  );
}
