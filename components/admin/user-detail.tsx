'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { Field, Input, Select } from '@/components/ui/field';
import { formatDateTime } from '@/components/ui/format';
import { internalRoles, roleLabels, type InternalRole } from '@/server/auth/roles';

export function UserDetail({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const user = useQuery(trpc.users.get.queryOptions({ userId }));
  const projects = useQuery(trpc.projects.options.queryOptions());
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = async (message: string) => {
    setNotice(message);
    await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  };
  const [oneTimePassword, setOneTimePassword] = useState<string | null>(null);
  const waiting =
    'The role grant confers approval rights: it takes effect when an executive confirms it under Pending changes.';
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: (result) =>
        refresh(
          result.pendingChangeId
            ? `Saved. ${waiting}`
            : 'Role and name saved. Their current sessions end on their next request if the role changed.',
        ),
    }),
  );
  const setActive = useMutation(
    trpc.users.setActive.mutationOptions({
      onSuccess: (result, input) =>
        refresh(
          result.pendingChangeId
            ? `Reactivation asked for. ${waiting}`
            : input.active
              ? 'User reactivated.'
              : 'User deactivated. Their session ends on their next request.',
        ),
    }),
  );
  const reset = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: (result) => {
        setOneTimePassword(result.oneTimePassword);
        return refresh(
          'Password reset. Their sessions have ended; they must choose a new password when they sign in with the one-time password below.',
        );
      },
    }),
  );
  const mfaReset = useMutation(
    trpc.mfa.requestReset.mutationOptions({
      onSuccess: () =>
        refresh(
          'Reset of two-step sign-in asked for: a second administrator or an executive confirms it under Pending changes.',
        ),
    }),
  );
  const addMembership = useMutation(
    trpc.users.addMembership.mutationOptions({ onSuccess: () => refresh('Membership added.') }),
  );
  const removeMembership = useMutation(
    trpc.users.removeMembership.mutationOptions({ onSuccess: () => refresh('Membership removed.') }),
  );
  const error =
    update.error ??
    setActive.error ??
    reset.error ??
    mfaReset.error ??
    addMembership.error ??
    removeMembership.error;

  if (user.error) return <EmptyState title="User not found" />;
  if (!user.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const u = user.data;
  const memberIds = new Set(u.memberships.map((m) => m.projectId));

  function onSaveProfile(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({
      userId,
      version: u.version,
      name: String(form.get('name')),
      // a subcontractor's role is its vendor's, never edited here
      role: u.role === 'subcontractor' ? undefined : (String(form.get('role')) as InternalRole),
    });
  }
  function onResetPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reset.mutate({ userId });
  }
  function onAddMembership(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const projectId = String(form.get('projectId') ?? '');
    if (projectId) addMembership.mutate({ userId, projectId });
  }

  return (
    <>
      <PageHeader
        title={u.name}
        description={
          <>
            {u.email} ·{' '}
            <Badge tone={u.isActive ? 'green' : 'red'}>{u.isActive ? 'active' : 'inactive'}</Badge> · last
            sign-in {formatDateTime(u.lastSignInAt)}
          </>
        }
        actions={
          <>
            <Link href="/admin/users" className="text-sm text-brand-700 hover:underline">
              All users
            </Link>
            <Button
              variant={u.isActive ? 'danger' : 'secondary'}
              onClick={() => setActive.mutate({ userId, version: u.version, active: !u.isActive })}
              disabled={setActive.isPending}
            >
              {u.isActive ? 'Deactivate' : 'Reactivate'}
            </Button>
          </>
        }
      />
      <div className="space-y-4">
        {notice && !error ? <Alert tone="success">{notice}</Alert> : null}
        {error ? <Alert>{errorMessage(error)}</Alert> : null}
        <div className="grid gap-4 md:grid-cols-2">
          <Card title="Profile and role">
            <form onSubmit={onSaveProfile} className="space-y-3" key={u.version}>
              <Field label="Name" htmlFor="name">
                <Input id="name" name="name" defaultValue={u.name} required />
              </Field>
              {u.role === 'subcontractor' ? (
                <p className="text-sm text-slate-600">
                  Subcontractor: a vendor&apos;s portal login. Its access is managed on the vendor&apos;s
                  page.
                </p>
              ) : (
                <Field label="Role" htmlFor="role">
                  <Select id="role" name="role" defaultValue={u.role}>
                    {internalRoles.map((role) => (
                      <option key={role} value={role}>
                        {roleLabels[role]}
                      </option>
                    ))}
                  </Select>
                </Field>
              )}
              <Button type="submit" disabled={update.isPending}>
                Save
              </Button>
            </form>
          </Card>
          <Card title="Reset password">
            <form onSubmit={onResetPassword} className="space-y-3">
              <p className="text-sm text-slate-600">
                Issues a one-time password, shown once here. It ends the user&apos;s sessions and must be
                changed at their next sign-in.
              </p>
              <Button type="submit" variant="secondary" disabled={reset.isPending}>
                Issue a one-time password
              </Button>
              {oneTimePassword ? (
                <p className="text-sm">
                  One-time password:{' '}
                  <code data-testid="one-time-password" className="rounded bg-slate-100 px-1.5 py-0.5">
                    {oneTimePassword}
                  </code>
                </p>
              ) : null}
            </form>
          </Card>
          <Card title="Two-step sign-in">
            <p className="text-sm text-slate-600">
              A lost device: ask for a reset. A second administrator or an executive confirms it; the user
              then sets up two-step sign-in again.
            </p>
            <Button
              className="mt-3"
              variant="secondary"
              onClick={() => mfaReset.mutate({ userId })}
              disabled={mfaReset.isPending}
            >
              Ask to reset two-step sign-in
            </Button>
          </Card>
        </div>
        <Card title="Project memberships">
          <ul className="divide-y divide-slate-100" data-testid="memberships">
            {u.memberships.length === 0 ? (
              <li className="py-2 text-sm text-slate-500">No project memberships.</li>
            ) : null}
            {u.memberships.map((m) => (
              <li key={m.projectId} className="flex items-center justify-between py-2 text-sm">
                <span>
                  {m.code} · {m.name}
                </span>
                <Button
                  variant="ghost"
                  onClick={() => removeMembership.mutate({ userId, projectId: m.projectId })}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
          <form onSubmit={onAddMembership} className="mt-3 flex gap-2">
            <Select name="projectId" aria-label="Project to add" className="max-w-sm">
              {(projects.data ?? [])
                .filter((p) => !memberIds.has(p.id))
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.code} · {p.name}
                  </option>
                ))}
            </Select>
            <Button type="submit" variant="secondary">
              Add to project
            </Button>
          </form>
        </Card>
      </div>
    </>
  );
}
