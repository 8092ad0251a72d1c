'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorOf, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { describedBy, Field, Input, Select } from '@/components/ui/field';

/** Every IANA zone the browser knows (UTC first), for the organisation's calendar. */
function timeZoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])];
}

export function ThresholdsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const thresholds = useQuery(trpc.settings.thresholds.queryOptions());
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.settings.updateThresholds.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.settings.thresholds.queryKey() });
      },
    }),
  );
  if (!thresholds.data)
    return thresholds.error ? (
      <Alert>{errorMessage(thresholds.error)}</Alert>
    ) : (
      <p className="text-sm text-slate-500">Loading…</p>
    );
  const t = thresholds.data;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    update.mutate({
      version: t.version,
      currency: String(form.get('currency') ?? '').toUpperCase(),
      timeZone: String(form.get('timeZone') ?? ''),
      pmLimitAmount: String(form.get('pmLimitAmount') ?? ''),
      executiveLimitAmount: String(form.get('executiveLimitAmount') ?? ''),
    });
  }

  return (
    <Card>
      <form onSubmit={onSubmit} className="grid max-w-xl gap-4" key={t.version}>
        {update.error && !fieldErrorOf(update.error, 'timeZone') ? (
          <Alert>{errorMessage(update.error)}</Alert>
        ) : null}
        {saved && !update.error ? (
          <Alert tone="success">Settings saved. The change is in the audit log.</Alert>
        ) : null}
        <Field label="Currency" htmlFor="currency">
          <Input id="currency" name="currency" defaultValue={t.currency} maxLength={3} required />
        </Field>
        <Field
          label="Time zone"
          htmlFor="timeZone"
          hint="Every date Plumbline sets (invoice dates, overdue milestones, insurance expiry, month-end) is a day in this zone."
          error={fieldErrorOf(update.error, 'timeZone')}
        >
          <Select
            id="timeZone"
            name="timeZone"
            defaultValue={t.timeZone}
            {...describedBy('timeZone', fieldErrorOf(update.error, 'timeZone'), true)}
          >
            {timeZoneOptions(t.timeZone).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Project manager limit"
          htmlFor="pmLimitAmount"
          hint="Absolute cost change a project manager approves alone, after QS review."
        >
          <Input
            id="pmLimitAmount"
            name="pmLimitAmount"
            defaultValue={t.pmLimitAmount}
            inputMode="decimal"
            required
          />
        </Field>
        <Field
          label="Executive limit"
          htmlFor="executiveLimitAmount"
          hint="Above this, a second executive must also approve."
        >
          <Input
            id="executiveLimitAmount"
            name="executiveLimitAmount"
            defaultValue={t.executiveLimitAmount}
            inputMode="decimal"
            required
          />
        </Field>
        <div>
          <Button type="submit" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save settings'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
