import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { currentActor } from '@/server/auth/current';
import { hasPermission } from '@/server/auth/permissions';
import { MATCHING_RULES } from '@/server/modules/pull/pull-matching-rules';
import { Card, PageHeader } from '@/components/ui/feedback';
import { SetupProjectsTable, UnlinkedRecordsTable } from '@/components/odoo/odoo-matching-tables';
import { OdooSetupGuide } from '@/components/odoo/odoo-setup-guide';
import { PullNowButton } from '@/components/odoo/pull-now-button';

export const metadata: Metadata = { title: 'Odoo setup' };

export default async function OdooSetupPage() {
  const { actor } = await currentActor();
  if (!actor || !hasPermission(actor.role, 'odoo.setup.read')) forbidden();
  return (
    <>
      <PageHeader
        title="Odoo setup"
        description={
          <>
            What Plumbline needs in your Odoo, found there or created after you have seen exactly what will be
            made; and how Odoo&apos;s projects and orders are matched to Plumbline. The connection itself is
            on{' '}
            <Link className="text-brand-700 hover:underline" href="/admin/odoo">
              Admin → Odoo
            </Link>
            .
          </>
        }
        actions={hasPermission(actor.role, 'odoo.pull') ? <PullNowButton /> : null}
      />
      <div className="grid gap-6">
        <section aria-labelledby="setup-records" className="grid gap-3">
          <h2 id="setup-records" className="text-lg font-semibold">
            1. Set-up records
          </h2>
          <OdooSetupGuide />
        </section>
        <section aria-labelledby="matching" className="grid gap-3">
          <h2 id="matching" className="text-lg font-semibold">
            2. How Odoo records are matched
          </h2>
          <Card>
            <dl className="grid gap-2 text-sm">
              {MATCHING_RULES.map((r) => (
                <div key={r.what}>
                  <dt className="font-medium">{r.what}</dt>
                  <dd className="text-slate-600">{r.rule}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <h3 className="font-medium">Plumbline projects and their Odoo links</h3>
          <SetupProjectsTable />
          <h3 className="font-medium">Odoo records not linked to any Plumbline project</h3>
          <p className="text-sm text-slate-600">
            Listed once each, with why; they are not errors and raise no exception. Fix them in Odoo if they
            are Plumbline work: the next pull links them and they leave this list.
          </p>
          <UnlinkedRecordsTable />
        </section>
      </div>
    </>
  );
}
