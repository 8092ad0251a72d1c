'use client';

import { useQuery } from '@tanstack/react-query';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Alert, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { formatMoneyDisplay, formatRate } from '@/components/ui/format';

export function ProjectOverview({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  if (project.error) {
    return project.error.data?.code === 'NOT_FOUND' || project.error.data?.code === 'BAD_REQUEST' ? (
      <EmptyState title="Project not found">It does not exist, or you are not a member of it.</EmptyState>
    ) : (
      <Alert>{errorMessage(project.error)}</Alert>
    );
  }
  if (!project.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const p = project.data;
  return (
    <>
      <PageHeader
        title={`${p.code} · ${p.name}`}
        description={p.clientName ? `Client: ${p.clientName}` : undefined}
      />
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Contract">
          <p className="tabular text-lg font-semibold">
            {formatMoneyDisplay(p.originalContractAmount, p.currency)}
          </p>
          <p className="text-xs text-slate-500">Original contract value</p>
        </Card>
        <Card title="Odoo">
          {/* in words, never a model name and raw id (issue 15 item 10) */}
          <p className="text-sm" data-testid="project-odoo-link">
            {p.odooId ? `Linked to the Odoo project ${p.code} · ${p.name}` : 'Not linked to Odoo yet'}
          </p>
          <p className="text-xs text-slate-600">
            {p.odooSaleOrderId
              ? "Contract: linked to the client's sale order, so approved client COs add lines to it."
              : 'Contract: no sale order linked yet; approved client COs cannot reach Odoo until one is.'}
          </p>
        </Card>
        <Card title="Retention (client)">
          <p className="tabular text-lg font-semibold">{formatRate(p.clientRetentionRate)}</p>
        </Card>
      </div>
      <div className="mt-6">
        <Card title="Cost codes">
          <table className="min-w-full text-sm" data-testid="cost-codes">
            <thead>
              <tr className="text-left text-slate-500">
                <th className="py-1">Code</th>
                <th className="py-1">Name</th>
                <th className="py-1 text-right">Original budget</th>
              </tr>
            </thead>
            <tbody>
              {p.costCodes.map((code) => (
                <tr key={code.id} className="border-t border-slate-100">
                  <td className="py-1.5 font-mono">{code.code}</td>
                  <td className="py-1.5">{code.name}</td>
                  <td className="tabular py-1.5 text-right">
                    {formatMoneyDisplay(code.originalBudgetAmount, p.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      </div>
    </>
  );
}
