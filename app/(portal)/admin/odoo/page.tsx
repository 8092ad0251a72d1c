import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { PageHeader } from '@/components/ui/feedback';
import { OdooConnectionForm } from '@/components/odoo/odoo-connection-form';
import { OdooMappingsForm } from '@/components/odoo/odoo-mappings-form';
import { PullNowButton } from '@/components/odoo/pull-now-button';

export const metadata: Metadata = { title: 'Odoo' };

export default async function OdooAdminPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'odoo.connection.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Odoo"
        description={
          <>
            The connection to Odoo, the accounts, journals, product and analytic plan Plumbline uses there,
            and master-data pulls (every few minutes; see{' '}
            <Link className="text-brand-700 hover:underline" href="/admin/pull-runs">
              Pull runs
            </Link>
            ). New to this?{' '}
            <Link className="text-brand-700 hover:underline" href="/admin/odoo/setup">
              Guided Odoo setup
            </Link>{' '}
            finds or creates the records Plumbline needs and shows how projects and orders are matched.
          </>
        }
        actions={hasPermission(actor.role, 'odoo.pull') ? <PullNowButton /> : null}
      />
      <div className="grid gap-4">
        <OdooConnectionForm />
        <OdooMappingsForm />
      </div>
    </>
  );
}
