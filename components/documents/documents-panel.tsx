'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { PlainTable } from '@/components/data-table/plain-table';
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm';
import { Alert, Card } from '@/components/ui/feedback';
import { describedBy, Field, Select } from '@/components/ui/field';
import { formatDateTime } from '@/components/ui/format';
import {
  documentKindLabels,
  documentKinds,
  type DocumentView,
} from '@/server/modules/documents/document.schemas';

const column = createColumnHelper<DocumentView>();
const MAX_BYTES = 25 * 1024 * 1024;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A record's documents: the list (download each as a file), an upload (what the file is, then the
 * file; checked by the server from its bytes, up to 25 MB) and removal by the person who uploaded it.
 */
export function DocumentsPanel({
  recordType,
  recordId,
  title = 'Documents',
}: {
  recordType: 'claim' | 'change_order' | 'milestone' | 'vendor';
  recordId: string;
  title?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fileId = useId();
  const kindId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const listKey = { recordType, recordId };
  const list = useQuery(trpc.documents.list.queryOptions(listKey));
  const canUpload = list.data?.canUpload ?? false;
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.documents.list.queryKey(listKey) });
  const remove = useMutation(
    trpc.documents.remove.mutationOptions({
      onSuccess: async () => {
        setNotice('Document removed. It stays in the audit log.');
        await refresh();
      },
    }),
  );

  async function onUpload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice(null);
    setFileError(null);
    const file = fileInput.current?.files?.[0];
    if (!file) return setFileError('Choose a file to upload.');
    if (file.size > MAX_BYTES) return setFileError('The file is larger than 25 MB. Upload a smaller file.');
    const kind = String(new FormData(event.currentTarget).get('kind') ?? 'other');
    const query = new URLSearchParams({ recordType, recordId, kind, fileName: file.name });
    setUploading(true);
    try {
      const response = await fetch(`/api/documents?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-plumbline-upload': '1' },
        body: file,
      });
      const body = (await response.json().catch(() => ({}))) as {
        error?: string;
        fieldErrors?: Record<string, string[] | undefined>;
        deduplicated?: boolean;
      };
      if (!response.ok) {
        const onField = body.fieldErrors?.file?.[0] ?? body.fieldErrors?.fileName?.[0];
        setFileError(onField ?? body.error ?? 'The upload failed. Please try again.');
        return;
      }
      setNotice(`${file.name} uploaded.`);
      if (fileInput.current) fileInput.current.value = '';
      await refresh();
    } catch {
      setFileError('The upload did not reach the server. Check the connection and try again.');
    } finally {
      setUploading(false);
    }
  }

  const columns = useMemo(
    () => [
      column.accessor('fileName', {
        header: 'File',
        cell: ({ row }) => (
          <a
            href={`/api/documents/${row.original.id}`}
            className="text-brand-700 underline-offset-2 hover:underline"
            download
          >
            {row.original.fileName}
          </a>
        ),
      }),
      column.accessor((d) => documentKindLabels[d.kind as keyof typeof documentKindLabels] ?? d.kind, {
        id: 'kind',
        header: 'What',
      }),
      column.accessor((d) => size(d.sizeBytes), { id: 'size', header: 'Size' }),
      column.accessor('uploadedByName', { header: 'Uploaded by' }),
      column.accessor((d) => formatDateTime(d.uploadedAt), { id: 'uploadedAt', header: 'When' }),
      column.display({
        id: 'remove',
        header: () => <span className="sr-only">Remove</span>,
        cell: ({ row }) =>
          row.original.canRemove ? (
            <ConfirmButton
              label="Remove"
              title={`Remove ${row.original.fileName}?`}
              variant="danger"
              pending={remove.isPending}
              onConfirm={() => remove.mutate({ documentId: row.original.id })}
            >
              It disappears from this record; the audit log keeps who uploaded and removed it.
            </ConfirmButton>
          ) : null,
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the mutation is stable; `isPending` redraws the buttons
    [remove.isPending],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({
    data: list.data?.documents ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
  });

  return (
    <Card title={title}>
      <div className="space-y-3" data-testid="documents-panel">
        {notice ? <Alert tone="success">{notice}</Alert> : null}
        {remove.error ? <Alert>{errorMessage(remove.error)}</Alert> : null}
        {list.error ? <Alert>{errorMessage(list.error)}</Alert> : null}
        {list.data && list.data.documents.length === 0 ? (
          <p className="text-sm text-slate-600">No documents yet.</p>
        ) : null}
        {list.data && list.data.documents.length > 0 ? <PlainTable table={table} testId="documents" /> : null}
        {canUpload ? (
          <form onSubmit={onUpload} className="flex flex-wrap items-end gap-3" aria-label="Upload a document">
            <Field label="What it is" htmlFor={kindId}>
              <Select id={kindId} name="kind" defaultValue="other">
                {documentKinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {documentKindLabels[kind]}
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              label="File"
              htmlFor={fileId}
              hint="PDF, photo, Word, Excel or text; up to 25 MB."
              error={fileError}
            >
              <input
                ref={fileInput}
                id={fileId}
                type="file"
                name="file"
                className="block text-sm"
                onChange={() => setFileError(null)}
                {...describedBy(fileId, fileError, true)}
              />
            </Field>
            <Button type="submit" disabled={uploading}>
              {uploading ? 'Uploading…' : 'Upload'}
            </Button>
          </form>
        ) : null}
      </div>
    </Card>
  );
}
