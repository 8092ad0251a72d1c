import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { projects } from '@/db/schema';
import { DomainError } from '@/server/errors';
import type { OdooClient } from '@/server/odoo/client';
import { createConfiguredOdooClient } from '@/server/modules/odoo-connection/odoo-config';

/**
 * The Odoo ids a person may choose on a milestone (its sale order line and its project milestone)
 * must belong to the milestone's own project in Odoo: the line to the project's sale order, the
 * milestone to the project's project.project. Checked on save (here, reading Odoo) and again by the
 * sync handler right before it writes (issue 20: a user scoped to one project pointed a milestone at
 * another project's Odoo records, and a release marked *that* milestone reached).
 */
export type MilestoneOdooLinks = { odooSaleLineId?: number | null; odooMilestoneId?: number | null };
export type ProjectOdooIds = { saleOrderId: number | null; projectOdooId: number | null };
export type LinkProblem = { field: 'odooSaleLineId' | 'odooMilestoneId'; message: string };

export async function findMilestoneLinkProblem(
  odoo: OdooClient,
  project: ProjectOdooIds,
  links: MilestoneOdooLinks,
): Promise<LinkProblem | null> {
  if (links.odooSaleLineId) {
    if (!project.saleOrderId)
      return {
        field: 'odooSaleLineId',
        message: 'This project has no Odoo sale order, so no sale order line can be linked.',
      };
    const [line] = await odoo.searchRead(
      'sale.order.line',
      [
        ['id', '=', links.odooSaleLineId],
        ['order_id', '=', project.saleOrderId],
      ],
      ['id'],
      { limit: 1 },
    );
    if (!line)
      return {
        field: 'odooSaleLineId',
        message: `Sale order line ${links.odooSaleLineId} is not a line of this project's sale order.`,
      };
  }
  if (links.odooMilestoneId) {
    if (!project.projectOdooId)
      return {
        field: 'odooMilestoneId',
        message: 'This project is not linked to an Odoo project, so no Odoo milestone can be linked.',
      };
    const [milestone] = await odoo.searchRead(
      'project.milestone',
      [
        ['id', '=', links.odooMilestoneId],
        ['project_id', '=', project.projectOdooId],
      ],
      ['id'],
      { limit: 1 },
    );
    if (!milestone)
      return {
        field: 'odooMilestoneId',
        message: `Odoo milestone ${links.odooMilestoneId} is not a milestone of this project.`,
      };
  }
  return null;
}

/** On save: refuse ids of another project (or ids that cannot be checked right now) with the field named. */
export async function assertMilestoneOdooLinks(
  db: DbOrTx,
  organisationId: string,
  projectId: string,
  links: MilestoneOdooLinks,
): Promise<void> {
  if (!links.odooSaleLineId && !links.odooMilestoneId) return;
  const field = links.odooSaleLineId ? 'odooSaleLineId' : 'odooMilestoneId';
  const [project] = await db
    .select({ saleOrderId: projects.odooSaleOrderId, projectOdooId: projects.odooId })
    .from(projects)
    .where(eq(projects.id, projectId));
  const configured = await createConfiguredOdooClient(db, organisationId);
  if (!project || !configured) {
    throw new DomainError(
      'VALIDATION',
      'The Odoo links cannot be checked without an Odoo connection; save without them.',
      { field },
    );
  }
  let problem: LinkProblem | null;
  try {
    problem = await findMilestoneLinkProblem(configured.client, project, links);
  } catch {
    throw new DomainError(
      'VALIDATION',
      'Odoo could not be read to check the Odoo links; try again, or save without them.',
      { field },
    );
  }
  if (problem) throw new DomainError('VALIDATION', problem.message, { field: problem.field });
}
