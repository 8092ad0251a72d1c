import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { logger } from '@/server/lib/logger';
import { isOdooError } from '@/server/odoo/errors';
import { createConfiguredOdooClient } from '@/server/modules/odoo-connection/odoo-config';

export type MilestoneOdooOptions = {
  saleLines: { id: number; name: string; priceSubtotal: string }[];
  odooMilestones: {
    id: number;
    name: string;
    deadline: string | null;
    isReached: boolean;
    saleLineId: number | null;
    quantityPercent: string | null;
  }[];
  /** Why the lists are empty, in plain words (no connection, no link, Odoo unreachable); null when read. */
  message: string | null;
};

const empty = (message: string): MilestoneOdooOptions => ({ saleLines: [], odooMilestones: [], message });

/**
 * The Odoo sale order lines and project milestones a billing milestone can be matched with, read
 * live through the configured Odoo connection. Never throws for an Odoo problem: the form still
 * works, with the reason shown instead of the lists.
 */
export async function getMilestoneOdooOptions(
  db: DbOrTx,
  actor: Actor,
  projectId: string,
): Promise<MilestoneOdooOptions> {
  await assertProjectVisible(db, actor, projectId);
  const [project] = await db
    .select({ odooId: projects.odooId, saleOrderId: projects.odooSaleOrderId })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project?.odooId && !project?.saleOrderId)
    return empty('This project is not linked to Odoo yet; a master-data pull links it.');
  const configured = await createConfiguredOdooClient(db, actor.organisationId);
  if (!configured) return empty('No Odoo connection is configured.');
  const odoo = configured.client;
  try {
    const [lines, odooMilestones] = await Promise.all([
      project.saleOrderId
        ? odoo.searchRead<{ id: number; name: string; price_subtotal: number }>(
            'sale.order.line',
            [['order_id', '=', project.saleOrderId]],
            ['name', 'price_subtotal'],
            { order: 'id' },
          )
        : Promise.resolve([]),
      project.odooId
        ? odoo.searchRead<{
            id: number;
            name: string;
            deadline: string | false;
            is_reached: boolean;
            sale_line_id: unknown;
            quantity_percentage: number | false;
          }>(
            'project.milestone',
            [['project_id', '=', project.odooId]],
            ['name', 'deadline', 'is_reached', 'sale_line_id', 'quantity_percentage'],
            { order: 'id' },
          )
        : Promise.resolve([]),
    ]);
    return {
      saleLines: lines.map((l) => ({ id: l.id, name: l.name, priceSubtotal: l.price_subtotal.toFixed(2) })),
      odooMilestones: odooMilestones.map((m) => ({
        id: m.id,
        name: m.name,
        deadline: m.deadline || null,
        isReached: m.is_reached === true,
        saleLineId:
          Array.isArray(m.sale_line_id) && typeof m.sale_line_id[0] === 'number' ? m.sale_line_id[0] : null,
        // a fraction on the wire (0.25); shown as a percent, display only
        quantityPercent: m.quantity_percentage === false ? null : (m.quantity_percentage * 100).toFixed(2),
      })),
      message: null,
    };
  } catch (error) {
    logger().warn(
      { odooError: isOdooError(error) ? error.toJSON() : undefined },
      'reading Odoo milestone options failed',
    );
    return empty(
      `Odoo could not be read just now${isOdooError(error) ? ` (${error.odooName})` : ''}; try again, or save without the Odoo links.`,
    );
  }
}
