'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { Field } from '@/components/ui/field';
import type { ExceptionRow } from '@/server/modules/exceptions/exception.queries';

/** Link an existing Odoo bill / invoice (checked by the server: same partner, amount and reference). */
export function LinkOdooForm({
  exception,
  onDone,
}: {
  exception: ExceptionRow;
  onDone: (message: string | null) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [odooId, setOdooId] = useState('');
  const link = useMutation(
    trpc.exceptions.link.mutationOptions({
      onSuccess: () => onDone('Linked. The record syncs again against the linked Odoo document.'),
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    link.mutate({ exceptionId: exception.id, version: exception.version, odooId: Number(odooId) });
  }
  const document = exception.recordType === 'claim' ? 'vendor bill' : 'customer invoice';
  return (
    <Card title={`Link an Odoo ${document} to ${exception.recordReference ?? exception.recordId}`}>
      <form onSubmit={onSubmit} className="space-y-3" aria-label="Link Odoo record">
        {link.error ? <Alert>{errorMessage(link.error)}</Alert> : null}
        <Field
          label="Odoo id"
          htmlFor="link-odoo-id"
          hint={`The id of the ${document} in Odoo (from its URL). It must carry the same partner, amount and reference.`}
        >
          <input
            id="link-odoo-id"
            inputMode="numeric"
            value={odooId}
            onChange={(e) => setOdooId(e.target.value.replace(/\D/g, ''))}
            className="w-40 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm"
          />
        </Field>
        <div className="flex gap-2">
          <Button type="submit" disabled={link.isPending || odooId === ''}>
            {link.isPending ? 'Linking…' : 'Link'}
          </Button>
          <Button variant="secondary" onClick={() => void onDone(null)}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
