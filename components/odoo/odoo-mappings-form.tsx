'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { Field, Select } from '@/components/ui/field';

const fields = [
  { key: 'retentionPayableAccountId', label: 'Retention payable account', options: 'accounts' },
  { key: 'retentionReceivableAccountId', label: 'Retention receivable account', options: 'accounts' },
  { key: 'purchaseJournalId', label: 'Purchase journal (vendor bills)', options: 'purchaseJournals' },
  { key: 'salesJournalId', label: 'Sales journal (client invoices)', options: 'salesJournals' },
  { key: 'changeOrderProductId', label: 'Product for change-order lines', options: 'products' },
  { key: 'costCodePlanId', label: 'Analytic plan of cost codes', options: 'plans' },
] as const;

/** Mappings picked from lists read live from Odoo. */
export function OdooMappingsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const view = useQuery(trpc.odoo.connection.queryOptions());
  const options = useQuery(trpc.odoo.mappingOptions.queryOptions());
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.odoo.saveMappings.mutationOptions({
      onSuccess: async () => (
        setSaved(true),
        await queryClient.invalidateQueries({ queryKey: trpc.odoo.connection.queryKey() })
      ),
    }),
  );
  if (options.error)
    return (
      <Card title="Mappings">
        <Alert>{errorMessage(options.error)}</Alert>
      </Card>
    );
  if (!options.data || !view.data)
    return (
      <Card title="Mappings">
        <p className="text-sm text-slate-500">Reading the choices from Odoo…</p>
      </Card>
    );
  const mappings = view.data.mappings as Record<string, number | undefined>;
  const choices = options.data;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const value = (key: string) => (form.get(key) ? Number(form.get(key)) : null);
    save.mutate(
      Object.fromEntries(fields.map((f) => [f.key, value(f.key)])) as Parameters<typeof save.mutate>[0],
    );
  }

  return (
    <Card title="Mappings">
      <form onSubmit={onSubmit} className="grid max-w-xl gap-4" key={JSON.stringify(mappings)}>
        {save.error ? <Alert>{errorMessage(save.error)}</Alert> : null}
        {saved && !save.error ? <Alert tone="success">Mappings saved and audited.</Alert> : null}
        {fields.map((f) => (
          <Field key={f.key} label={f.label} htmlFor={f.key}>
            <Select id={f.key} name={f.key} defaultValue={mappings[f.key] ? String(mappings[f.key]) : ''}>
              <option value="">— not mapped —</option>
              {choices[f.options].map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        ))}
        <div>
          <Button type="submit" disabled={save.isPending}>
            Save mappings
          </Button>
        </div>
      </form>
    </Card>
  );
}
