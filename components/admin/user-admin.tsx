'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState, type FormEvent } from 'react';
import { DataTable } from '@/components/data-table/data-table';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card } from '@/components/ui/feedback';
import { Field, Input, Select } from '@/components/ui/field';
import { formatDateTime } from '@/components/ui/format';
import { internalRoles, roleLabels, type InternalRole, type Role } from '@/server/auth/roles';
import type { UserListRow } from '@/server/modules/users/user.schemas';

const roleOptions = internalRoles.map((role) => ({ value: role, label: roleLabels[role] }));

const columns: ColumnDef<UserListRow>[] = [
  { accessorKey: 'name', header: 'Name', meta: { filter: 'text' } },
  { accessorKey: 'email', header: 'Email', meta: { filter: 'text' } },
  {
    accessorKey: 'role',
    header: 'Role',
    meta: { filter: roleOptions, format: (row) => roleLabels[row.role as Role] ?? row.role },
  },
  {
    accessorKey: 'status',
    header: 'Status',
    meta: {
      filter: [
        { value: 'active', label: 'Active' },
        { value: 'inactive', label: 'Inactive' },
      ],
      format: (row) => row.status,
    },
    cell: ({ row }) => (
      <Badge tone={row.original.status === 'active' ? 'green' : 'red'}>{row.original.status}</Badge>
    ),
  },
  { accessorKey: 'projectCount', header: 'Projects', enableSorting: false, meta: { align: 'right' } },
  {
    accessorKey: 'lastSignInAt',
    header: 'Last sign-in',
    meta: { format: (row) => formatDateTime(row.lastSignInAt) },
  },
];

export function UserAdmin() {
  const trpc = useTRPC();
  const [creating, setCreating] = useState(false);
  return (
    <div className="space-y-4">
      {creating ? <CreateUserForm onDone={() => setCreating(false)} /> : null}
      <DataTable
        columns={columns}
        query={(input) => trpc.users.list.queryOptions(input)}
        csvFileName="users"
        rowHref={(row) => `/admin/users/${row.id}`}
        searchPlaceholder="Search name or email"
        toolbar={
          creating ? null : (
            <Button onClick={() => setCreating(true)} data-testid="new-user">
              New user
            </Button>
          )
        }
      />
    </div>
  );
}

function CreateUserForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.projects.options.queryOptions());
  const [selected, setSelected] = useState<string[]>([]);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.pathKey() });
        onDone();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: String(form.get('name') ?? ''),
      email: String(form.get('email') ?? ''),
      role: String(form.get('role') ?? '') as InternalRole,
      password: String(form.get('password') ?? ''),
      projectIds: selected,
    });
  }

  return (
    <Card title="New user">
      <form onSubmit={onSubmit} className="grid gap-4 md:grid-cols-2" aria-label="New user">
        {create.error ? (
          <div className="md:col-span-2">
            <Alert>{errorMessage(create.error)}</Alert>
          </div>
        ) : null}
        <Field label="Name" htmlFor="new-name">
          <Input id="new-name" name="name" required maxLength={200} />
        </Field>
        <Field label="Email" htmlFor="new-email">
          <Input id="new-email" name="email" type="email" required />
        </Field>
        <Field label="Role" htmlFor="new-role">
          <Select id="new-role" name="role" defaultValue="quantity_surveyor">
            {roleOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Initial password"
          htmlFor="new-password"
          hint="At least 12 characters. Share it privately."
        >
          <Input
            id="new-password"
            name="password"
            type="password"
            required
            minLength={12}
            autoComplete="new-password"
          />
        </Field>
        <fieldset className="md:col-span-2">
          <legend className="text-sm font-medium text-slate-700">Project memberships</legend>
          <div className="mt-2 grid gap-1 sm:grid-cols-2">
            {(projects.data ?? []).map((project) => (
              <label key={project.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={selected.includes(project.id)}
                  onChange={(event) =>
                    setSelected((current) =>
                      event.target.checked
                        ? [...current, project.id]
                        : current.filter((id) => id !== project.id),
                    )
                  }
                />
                {project.code} · {project.name}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex gap-2 md:col-span-2">
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create user'}
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
