'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { Field, Input, Select } from '@/components/ui/field';

type Terms = {
  id: string;
  version: number;
  retentionRate: string;
  retentionMaterialsRate: string;
  retentionReducedRate: string | null;
  retentionReducedAfterPercent: string | null;
  retentionCapBasis: 'original' | 'revised' | 'fixed';
  retentionCapRate: string;
  retentionCapAmount: string | null;
};

/** Retention terms as decimal strings (rates 0..1, validated on the server too). */
export function RetentionForm({ terms }: { terms: Terms }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.masterData.updateRetention.mutationOptions({
      onSuccess: async () => (
        setSaved(true),
        await queryClient.invalidateQueries({
          queryKey: trpc.masterData.subcontract.queryKey({ subcontractId: terms.id }),
        })
      ),
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const optional = (key: string) => text(key) || null;
    const basis = text('retentionCapBasis');
    update.mutate({
      subcontractId: terms.id,
      version: terms.version,
      retentionRate: text('retentionRate'),
      retentionMaterialsRate: text('retentionMaterialsRate'),
      retentionReducedRate: optional('retentionReducedRate'),
      retentionReducedAfterPercent: optional('retentionReducedAfterPercent'),
      retentionCapBasis: basis === 'original' || basis === 'fixed' ? basis : 'revised',
      retentionCapRate: text('retentionCapRate'),
      retentionCapAmount: optional('retentionCapAmount'),
    });
  }
  const input = (name: keyof Terms, label: string, hint?: string) => (
    <Field label={label} htmlFor={name} hint={hint}>
      <Input id={name} name={name} inputMode="decimal" defaultValue={(terms[name] as string | null) ?? ''} />
    </Field>
  );
  return (
    <form onSubmit={onSubmit} className="grid gap-3" key={terms.version}>
      {update.error ? <Alert>{errorMessage(update.error)}</Alert> : null}
      {saved && !update.error ? (
        <Alert tone="success">Retention terms saved; the change is in the audit log.</Alert>
      ) : null}
      {input('retentionRate', 'Retention rate', 'A fraction between 0 and 1, e.g. 0.05 for 5 %.')}
      {input('retentionMaterialsRate', 'Rate on materials on site')}
      {input('retentionReducedRate', 'Reduced rate (optional)')}
      {input('retentionReducedAfterPercent', 'Reduced rate applies from this % complete (0–100, optional)')}
      <Field label="Cap basis" htmlFor="retentionCapBasis">
        <Select id="retentionCapBasis" name="retentionCapBasis" defaultValue={terms.retentionCapBasis}>
          <option value="original">Original subcontract value</option>
          <option value="revised">Revised subcontract value</option>
          <option value="fixed">Fixed amount</option>
        </Select>
      </Field>
      {input('retentionCapRate', 'Cap rate')}
      {input('retentionCapAmount', 'Cap amount (fixed basis)')}
      <div>
        <Button type="submit" disabled={update.isPending}>
          Save retention terms
        </Button>
      </div>
    </form>
  );
}
