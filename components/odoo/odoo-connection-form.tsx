'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card } from '@/components/ui/feedback';
import { Field, Input, Select } from '@/components/ui/field';
import { formatDateTime } from '@/components/ui/format';
import { useStepUp } from '@/components/mfa/step-up';

/** Connection form (the secret is write-only: shown as "set, ending 1a2b"), test and mode. */
export function OdooConnectionForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const view = useQuery(trpc.odoo.connection.queryOptions());
  const [saved, setSaved] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.odoo.connection.queryKey() });
  const save = useMutation(
    trpc.odoo.saveConnection.mutationOptions({ onSuccess: async () => (setSaved(true), await refresh()) }),
  );
  const stepUp = useStepUp();
  type SaveInput = Parameters<typeof save.mutate>[0];
  // changing the connection needs a fresh code: asked for here, then the save is retried
  const saveWithStepUp = (input: SaveInput) =>
    save.mutate(input, { onError: (e) => void stepUp.intercept(e, () => saveWithStepUp(input)) });
  const test = useMutation(trpc.odoo.testConnection.mutationOptions({ onSettled: refresh }));
  if (!view.data)
    return view.error ? (
      <Alert>{errorMessage(view.error)}</Alert>
    ) : (
      <p className="text-sm text-slate-500">Loading…</p>
    );
  const { mode, stored, environment, lastTest } = view.data;
  const shown = test.data ?? lastTest;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const secret = String(form.get('secret') ?? '');
    saveWithStepUp({
      url: String(form.get('url') ?? ''),
      database: String(form.get('database') ?? ''),
      login: String(form.get('login') ?? ''),
      authMethod: form.get('authMethod') === 'password' ? 'password' : 'api_key',
      ...(secret ? { secret } : {}),
      ...(stored ? { version: stored.version } : {}),
    });
  }

  return (
    <div className="grid gap-4">
      <Card title="Mode">
        <p className="text-sm text-slate-700">
          <Badge tone={mode.simulated ? 'amber' : mode.configured ? 'green' : 'slate'}>
            {mode.simulated ? 'Simulator' : mode.configured ? 'Real Odoo' : 'Not configured'}
          </Badge>{' '}
          {mode.text}
        </p>
        {environment ? (
          <p className="mt-2 text-xs text-slate-500">
            Set by environment variables (they take precedence over the form below): {environment.url},
            database {environment.database || '—'}, login {environment.login || '—'},{' '}
            {environment.secretSet ? 'secret set' : 'no secret'}.
          </p>
        ) : null}
      </Card>
      <Card title="Connection">
        <form onSubmit={onSubmit} className="grid max-w-xl gap-4" key={stored?.version ?? 0}>
          {save.error && !stepUp.active ? <Alert>{errorMessage(save.error)}</Alert> : null}
          {stepUp.prompt}
          {saved && !save.error ? (
            <Alert tone="success">
              Connection saved. The change is in the audit log (without the secret).
            </Alert>
          ) : null}
          <Field label="Odoo URL" htmlFor="url">
            <Input
              id="url"
              name="url"
              defaultValue={stored?.url ?? ''}
              placeholder="https://mycompany.odoo.com"
              required
            />
          </Field>
          <Field label="Database" htmlFor="database">
            <Input id="database" name="database" defaultValue={stored?.database ?? ''} required />
          </Field>
          <Field label="Login" htmlFor="login">
            <Input id="login" name="login" defaultValue={stored?.login ?? ''} required />
          </Field>
          <Field label="Authentication" htmlFor="authMethod">
            <Select id="authMethod" name="authMethod" defaultValue={stored?.authMethod ?? 'api_key'}>
              <option value="api_key">API key (recommended)</option>
              <option value="password">Password</option>
            </Select>
          </Field>
          <Field
            label="API key or password"
            htmlFor="secret"
            hint={
              stored?.secretSet
                ? `Set, ending ${stored.secretLast4}. Leave empty to keep it.`
                : 'Not set yet.'
            }
          >
            <Input
              id="secret"
              name="secret"
              type="password"
              autoComplete="new-password"
              placeholder={stored?.secretSet ? `•••• ${stored.secretLast4}` : ''}
            />
          </Field>
          <div className="flex gap-2">
            <Button type="submit" disabled={save.isPending}>
              Save connection
            </Button>
            <Button variant="secondary" onClick={() => test.mutate()} disabled={test.isPending}>
              {test.isPending ? 'Testing…' : 'Test connection'}
            </Button>
          </div>
        </form>
        {test.error ? (
          <div className="mt-3">
            <Alert>{errorMessage(test.error)}</Alert>
          </div>
        ) : null}
        {shown ? (
          <div className="mt-3">
            <Alert tone={shown.ok ? 'success' : 'error'}>
              <span className="whitespace-pre-line">{shown.message}</span>{' '}
              <span className="text-xs opacity-75">({formatDateTime(shown.testedAt)})</span>
            </Alert>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
