'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import type { CostCodeRow } from '@/server/modules/cost/cost.schemas';
import { methodLabels } from './labels';

type Method = 'automatic' | 'manual' | 'committed_only' | 'cpi';

/** The PM sets a code's forecast method (and amount or earned value) with a mandatory reason. */
export function ForecastForm({ row }: { row: CostCodeRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [method, setMethod] = useState<Method>(row.forecastMethod ?? 'automatic');
  const [manualAmount, setManualAmount] = useState(row.forecastAmount ?? '');
  const [earnedValue, setEarnedValue] = useState(row.earnedValue ?? '');
  const [reason, setReason] = useState('');
  const save = useMutation(
    trpc.cost.setForecast.mutationOptions({
      onSuccess: () => {
        setReason('');
        void queryClient.invalidateQueries({ queryKey: trpc.cost.pathKey() });
      },
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({
      costCodeId: row.costCodeId!,
      version: row.forecastVersion,
      method,
      manualAmount: method === 'manual' ? manualAmount : null,
      earnedValue: method === 'cpi' ? earnedValue : null,
      reason,
    });
  }
  const input = 'w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm';
  return (
    <form onSubmit={submit} aria-label="Forecast to complete" className="space-y-3">
      <label className="block text-sm">
        <span className="text-slate-700">Method</span>
        <select value={method} onChange={(e) => setMethod(e.target.value as Method)} className={input}>
          {Object.entries(methodLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {method === 'manual' ? (
        <label className="block text-sm">
          <span className="text-slate-700">Forecast to complete ({row.currency})</span>
          <input
            value={manualAmount}
            onChange={(e) => setManualAmount(e.target.value)}
            inputMode="decimal"
            placeholder="e.g. 9000.00"
            className={input}
          />
        </label>
      ) : null}
      {method === 'cpi' ? (
        <label className="block text-sm">
          <span className="text-slate-700">Earned value to date ({row.currency})</span>
          <input
            value={earnedValue}
            onChange={(e) => setEarnedValue(e.target.value)}
            inputMode="decimal"
            className={input}
          />
        </label>
      ) : null}
      <label className="block text-sm">
        <span className="text-slate-700">Reason (required)</span>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} className={input} />
      </label>
      {save.error ? <Alert>{errorMessage(save.error)}</Alert> : null}
      {save.isSuccess ? <Alert tone="success">Forecast saved and audited.</Alert> : null}
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save forecast'}
      </Button>
    </form>
  );
}
