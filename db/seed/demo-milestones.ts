import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { milestones, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { DEMO_MILESTONES } from '@/tools/odoo-sim/demo-data';
import { demoUsers } from './demo-users';

/**
 * The billing milestones of the demo contracts, named as the simulator's project.milestone records
 * (tools/odoo-sim/demo-data.ts) so the milestone sync adopts them by name; each a percent of the
 * contract, raised by the project's PM, all planned. Odoo ids are left empty: they are picked in the
 * form, or adopted by name at release.
 */
export async function seedDemoMilestones(
  tx: DbOrTx,
  projectIds: Map<string, string>,
  people: Map<string, Pick<Actor, 'id'>>,
): Promise<void> {
  const numbers = new Map<string, number>();
  for (const milestone of DEMO_MILESTONES) {
    const projectId = projectIds.get(milestone.project);
    const pm = demoUsers.find(
      (user) => user.role === 'project_manager' && user.projects.includes(milestone.project),
    );
    const createdById = pm ? people.get(pm.email)?.id : undefined;
    if (!projectId || !createdById) continue;
    const [project] = await tx
      .select({ code: projects.code })
      .from(projects)
      .where(eq(projects.id, projectId));
    const number = (numbers.get(projectId) ?? 0) + 1;
    numbers.set(projectId, number);
    const reference = `${project?.code ?? milestone.project}-MS-${String(number).padStart(3, '0')}`;
    const [row] = await tx
      .insert(milestones)
      .values({
        projectId,
        number,
        reference,
        name: milestone.name,
        plannedDate: milestone.deadline,
        amountBasis: 'percent',
        percentOfContract: milestone.fraction,
        createdById,
      })
      .returning({ id: milestones.id });
    if (!row) throw new Error('milestone insert failed');
    await recordAudit(tx, {
      actor: { id: null, role: 'system' },
      action: 'milestone.seed',
      entityType: 'milestone',
      entityId: row.id,
      toState: 'planned',
      comment: 'Demo milestone',
    });
  }
}
