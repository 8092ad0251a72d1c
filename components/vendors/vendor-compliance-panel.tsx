'use client';

import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { PlainTable } from '@/components/data-table/plain-table';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { Field, Input } from '@/components/ui/field';
import { formatDate, formatDateTime } from '@/components/ui/format';
import {
  complianceStateLabels,
  complianceTypeLabels,
  complianceTypes,
  type ComplianceDocumentView,
} from '@/server/modules/vendors/compliance.schemas';

const column = createColumnHelper<ComplianceDocumentView>();
const statusLabel = (d: ComplianceDocumentView) =>
  d.status === 'accepted'
    ? d.pendingChangeStatus === 'pending'
      ? 'Accepted — date waits for an executive'
      : d.pendingChangeStatus === 'confirmed'
        ? 'Accepted — date in force'
        : `Accepted — date change ${d.pendingChangeStatus ?? 'unknown'}`
    : d.status === 'rejected'
      ? `Rejected: ${d.rejectionReason ?? ''}`
      : 'Submitted — waiting for finance';

/** The vendor's compliance register: the one rule's answer today, its certificates, submit and review. */
export function VendorCompliancePanel({ vendorId }: { vendorId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = { vendorId };
  const view = useQuery(trpc.compliance.vendor.queryOptions(key));
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.compliance.vendor.queryKey(key) });
    await queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.pendingChanges.list.pathKey() });
  };
  const [notice, setNotice] = useState<string | null>(null);
  const review = useMutation(
    trpc.compliance.review.mutationOptions({
      onSuccess: async (result) => {
        setNotice(
          result.status === 'accepted'
            ? 'Accepted: the new expiry date takes effect when an executive confirms it under Pending changes.'
            : 'Rejected: the vendor keeps its current dates.',
        );
        await refresh();
      },
    }),
  );
  const columns = useMemo(
    () => [
      column.accessor('fileName', {
        header: 'Certificate',
        cell: ({ row }) => (
          <a
            href={`/api/documents/${row.original.documentId}`}
            className="text-brand-700 underline-offset-2 hover:underline"
            download
          >
            {row.original.fileName}
          </a>
        ),
      }),
      column.accessor((d) => complianceTypeLabels[d.type], { id: 'type', header: 'What' }),
      column.accessor((d) => `${formatDate(d.expiresOn)} (${complianceStateLabels[d.dateState]})`, {
        id: 'expiresOn',
        header: 'Expires',
      }),
      column.accessor(statusLabel, { id: 'status', header: 'Review' }),
      column.accessor((d) => `${d.submittedByName}, ${formatDateTime(d.submittedAt)}`, {
        id: 'submitted',
        header: 'Submitted',
      }),
      column.display({
        id: 'actions',
        header: 'Actions',
        cell: ({ row }) =>
          row.original.canReview ? (
            <ReviewButtons
              doc={row.original}
              pending={review.isPending}
              onDecide={(decision, reason) =>
                review.mutate({
                  complianceDocumentId: row.original.id,
                  version: row.original.version,
                  decision,
                  ...(decision === 'reject' ? { reason: reason ?? '' } : {}),
                })
              }
            />
          ) : null,
      }),
    ],
    [review],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({
    data: view.data?.documents ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (d) => d.id,
  });
  if (!view.data)
    return (
      <Card title="Compliance register">
        {view.error ? (
          <Alert>{errorMessage(view.error)}</Alert>
        ) : (
          <p className="text-sm text-slate-500">Loading…</p>
        )}
      </Card>
    );
  const v = view.data;
  return (
    <Card title="Compliance register">
      <div className="grid gap-3" data-testid="vendor-compliance">
        <p className="text-sm">
          <span className="font-medium" data-testid="vendor-compliance-state">
            {complianceStateLabels[v.state]}
          </span>{' '}
          <span className="text-slate-500">on {formatDate(v.on)}</span>
          {v.reason ? <span className="block text-red-700">{v.reason}</span> : null}
        </p>
        <dl className="grid grid-cols-3 gap-2 text-sm">
          {v.items.map((item) => (
            <div key={item.type}>
              <dt className="text-slate-500">{complianceTypeLabels[item.type]}</dt>
              <dd>
                {formatDate(item.expiresOn)} · {complianceStateLabels[item.state]}
              </dd>
            </div>
          ))}
        </dl>
        {notice && !review.error ? <Alert tone="success">{notice}</Alert> : null}
        {review.error ? <Alert>{errorMessage(review.error)}</Alert> : null}
        {v.documents.length === 0 ? (
          <p className="text-sm text-slate-500">No certificate submitted yet.</p>
        ) : (
          <PlainTable table={table} testId="compliance-documents" />
        )}
        {v.canSubmit ? <SubmitCertificate vendorId={vendorId} onDone={refresh} /> : null}
      </div>
    </Card>
  );
}

function ReviewButtons({
  doc,
  pending,
  onDecide,
}: {
  doc: ComplianceDocumentView;
  pending: boolean;
  onDecide: (decision: 'accept' | 'reject', reason?: string) => void;
}) {
  const reasonId = useId();
  const [reason, setReason] = useState('');
  return (
    <div className="flex flex-wrap items-end gap-2">
      <Button type="button" disabled={pending} onClick={() => onDecide('accept')}>
        Accept {complianceTypeLabels[doc.type].toLowerCase()}
      </Button>
      <label htmlFor={reasonId} className="sr-only">
        Reason for rejecting
      </label>
      <Input
        id={reasonId}
        value={reason}
        placeholder="Reason for rejecting"
        onChange={(event) => setReason(event.target.value)}
      />
      <Button type="button" variant="secondary" disabled={pending} onClick={() => onDecide('reject', reason)}>
        Reject
      </Button>
    </div>
  );
}

/** Upload the certificate to the vendor (documents module), then submit it with its type and expiry. */
function SubmitCertificate({ vendorId, onDone }: { vendorId: string; onDone: () => Promise<void> }) {
  const trpc = useTRPC();
  const fileId = useId();
  const typeId = useId();
  const dateId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = useMutation(trpc.compliance.submit.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setFieldErrors({});
    const form = new FormData(event.currentTarget);
    const file = fileInput.current?.files?.[0];
    const expiresOn = String(form.get('expiresOn') ?? '');
    const type = String(form.get('type') ?? '') as (typeof complianceTypes)[number];
    if (!file) return setFieldErrors({ file: 'Choose the certificate file.' });
    if (!expiresOn) return setFieldErrors({ expiresOn: 'Enter the expiry date printed on the certificate.' });
    setBusy(true);
    try {
      const query = new URLSearchParams({
        recordType: 'vendor',
        recordId: vendorId,
        kind: 'compliance',
        fileName: file.name,
      });
      const response = await fetch(`/api/documents?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-plumbline-upload': '1' },
        body: file,
      });
      const body = (await response.json().catch(() => ({}))) as {
        id?: string;
        error?: string;
        fieldErrors?: Record<string, string[] | undefined>;
      };
      if (!response.ok || !body.id) {
        setFieldErrors({ file: body.fieldErrors?.file?.[0] ?? body.error ?? 'The upload failed.' });
        return;
      }
      await submit.mutateAsync({ vendorId, documentId: body.id, type, expiresOn });
      if (fileInput.current) fileInput.current.value = '';
      await onDone();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-3 border-t border-slate-200 pt-3" noValidate>
      <p className="text-sm font-medium">Submit a certificate</p>
      {error ? <Alert>{error}</Alert> : null}
      <Field label="What it certifies" htmlFor={typeId}>
        <select id={typeId} name="type" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm">
          {complianceTypes.map((t) => (
            <option key={t} value={t}>
              {complianceTypeLabels[t]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Expires on" htmlFor={dateId} error={fieldErrors.expiresOn}>
        <Input id={dateId} name="expiresOn" type="date" />
      </Field>
      <Field label="Certificate file (PDF or image, up to 25 MB)" htmlFor={fileId} error={fieldErrors.file}>
        <input
          id={fileId}
          ref={fileInput}
          type="file"
          className="block w-full text-sm"
          aria-invalid={fieldErrors.file ? true : undefined}
        />
      </Field>
      <div>
        <Button type="submit" disabled={busy}>
          Submit for review
        </Button>
      </div>
    </form>
  );
}
