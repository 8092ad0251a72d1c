'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useState, type FormEvent } from 'react';
import { PlainTable } from '@/components/data-table/plain-table';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm';
import { Alert, Badge, Card } from '@/components/ui/feedback';
import { describedBy, Field, Input } from '@/components/ui/field';
import { formErrorsOf } from '@/components/ui/form-errors';
import { formatDateTime } from '@/components/ui/format';
import type { VendorAccess } from '@/server/modules/portal/portal.schemas';

type Contact = VendorAccess['contacts'][number];
type Invitation = VendorAccess['invitations'][number];
const contactColumn = createColumnHelper<Contact>();
const invitationColumn = createColumnHelper<Invitation>();
const stateTone = { pending: 'amber', accepted: 'green', revoked: 'slate', expired: 'red' } as const;

/**
 * The vendor's subcontractor portal access (issue 19): invite a contact by email (finance, or a QS who
 * sees the vendor), and — finance — withdraw an invitation, switch a contact off, or the vendor's access
 * as a whole (which signs every contact out).
 */
export function VendorPortalAccess({ vendorId, canManage }: { vendorId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const access = useQuery(trpc.vendorAccess.get.queryOptions({ vendorId }));
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.vendorAccess.get.queryKey({ vendorId }) });
  const invite = useMutation(
    trpc.vendorAccess.invite.mutationOptions({
      onSuccess: async (result) => {
        setNotice(
          result.delivered
            ? `Invitation sent to ${email}. The link works once, for seven days.`
            : `The invitation to ${email} was recorded but the email could not be sent. Send a new invitation to try again.`,
        );
        setEmail('');
        setName('');
        await refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.vendorAccess.revoke.mutationOptions({ onSuccess: refresh }));
  const contactActive = useMutation(
    trpc.vendorAccess.setContactActive.mutationOptions({ onSuccess: refresh }),
  );
  const vendorActive = useMutation(trpc.vendorAccess.setVendorActive.mutationOptions({ onSuccess: refresh }));
  const errors = formErrorsOf(invite.error);
  const failure = revoke.error ?? contactActive.error ?? vendorActive.error;

  const contactColumns = [
    contactColumn.accessor('name', { header: 'Contact' }),
    contactColumn.accessor('email', { header: 'Email' }),
    contactColumn.accessor('lastSignInAt', {
      header: 'Last sign-in',
      cell: ({ getValue }) => (getValue() ? formatDateTime(getValue()) : 'never'),
    }),
    contactColumn.accessor('isActive', {
      header: 'Access',
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-2">
          <Badge tone={row.original.isActive ? 'green' : 'slate'}>
            {row.original.isActive ? 'active' : 'off'}
          </Badge>
          {canManage ? (
            <Button
              variant="secondary"
              onClick={() =>
                contactActive.mutate({
                  userId: row.original.id,
                  version: row.original.version,
                  active: !row.original.isActive,
                })
              }
            >
              {row.original.isActive ? 'Switch off' : 'Switch on'}
            </Button>
          ) : null}
        </span>
      ),
    }),
  ];
  const invitationColumns = [
    invitationColumn.accessor('email', { header: 'Invited' }),
    invitationColumn.accessor('invitedByName', { header: 'By' }),
    invitationColumn.accessor('createdAt', {
      header: 'Sent',
      cell: ({ getValue }) => formatDateTime(getValue()),
    }),
    invitationColumn.accessor('expiresAt', {
      header: 'Expires',
      cell: ({ getValue }) => formatDateTime(getValue()),
    }),
    invitationColumn.accessor('state', {
      header: 'State',
      cell: ({ row }) => (
        <span className="inline-flex items-center gap-2">
          <Badge tone={stateTone[row.original.state]}>{row.original.state}</Badge>
          {canManage && row.original.state === 'pending' ? (
            <Button variant="secondary" onClick={() => revoke.mutate({ invitationId: row.original.id })}>
              Withdraw
            </Button>
          ) : null}
        </span>
      ),
    }),
  ];
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const contacts = useReactTable({
    data: access.data?.contacts ?? [],
    columns: contactColumns,
    getCoreRowModel: getCoreRowModel(),
  });
  const invitations = useReactTable({
    data: access.data?.invitations ?? [],
    columns: invitationColumns,
    getCoreRowModel: getCoreRowModel(),
  });
  if (access.error) return <Alert>{errorMessage(access.error)}</Alert>;
  const a = access.data;
  if (!a) return null;

  function onInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice(null);
    invite.mutate({ vendorId, email, name });
  }

  return (
    <Card
      title="Subcontractor portal access"
      actions={
        canManage ? (
          <ConfirmButton
            variant={a.isActive ? 'danger' : 'secondary'}
            label={a.isActive ? 'Switch off portal access' : 'Switch on portal access'}
            title={
              a.isActive
                ? `Switch off ${a.vendorName}'s portal access?`
                : `Switch on ${a.vendorName}'s portal access?`
            }
            confirmLabel={a.isActive ? 'Switch off and sign everyone out' : 'Switch on'}
            pending={vendorActive.isPending}
            onConfirm={() => vendorActive.mutate({ vendorId, version: a.version, active: !a.isActive })}
          >
            {a.isActive
              ? `${a.vendorName}'s contacts are signed out at once and cannot sign in until access is switched on again.`
              : `${a.vendorName}'s active contacts can sign in again.`}
          </ConfirmButton>
        ) : undefined
      }
    >
      <div className="space-y-4">
        {!a.isActive ? <Alert tone="warning">Portal access is switched off for {a.vendorName}.</Alert> : null}
        {failure ? <Alert>{errorMessage(failure)}</Alert> : null}
        {notice ? <Alert tone="success">{notice}</Alert> : null}
        {a.contacts.length > 0 ? (
          <PlainTable table={contacts} testId="portal-contacts" />
        ) : (
          <p className="text-sm text-slate-600">No contact of {a.vendorName} has a portal login yet.</p>
        )}
        <form
          onSubmit={onInvite}
          aria-label="Invite a contact"
          className="grid gap-3 md:grid-cols-[1fr_1fr_auto] md:items-end"
        >
          <Field label="Contact's name" htmlFor="invite-name" error={errors.fields.name}>
            <Input
              id="invite-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              {...describedBy('invite-name', errors.fields.name)}
            />
          </Field>
          <Field label="Contact's email" htmlFor="invite-email" error={errors.fields.email}>
            <Input
              id="invite-email"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              {...describedBy('invite-email', errors.fields.email)}
            />
          </Field>
          <Button type="submit" disabled={invite.isPending || !a.isActive}>
            {invite.isPending ? 'Sending…' : 'Send invitation'}
          </Button>
        </form>
        {errors.summary && !errors.fields.email && !errors.fields.name ? (
          <Alert>{errors.summary}</Alert>
        ) : null}
        {a.invitations.length > 0 ? <PlainTable table={invitations} testId="portal-invitations" /> : null}
      </div>
    </Card>
  );
}
