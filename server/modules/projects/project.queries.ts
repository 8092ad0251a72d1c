import { and, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { costCodes, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { projectScope } from '@/server/auth/policy';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';

const columns = {
  code: { sql: projects.code, filter: 'contains' },
  name: { sql: projects.name, filter: 'contains' },
  clientName: { sql: projects.clientName, filter: 'contains' },
  currency: { sql: projects.currency, filter: 'equals' },
  originalContractAmount: { sql: projects.originalContractAmount },
} satisfies ListColumns;

export type ProjectListRow = {
  id: string;
  code: string;
  name: string;
  clientName: string | null;
  currency: string;
  originalContractAmount: string;
  budgetAmount: string;
  costCodeCount: number;
  odooId: number | null;
};

export async function listProjects(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<ProjectListRow>> {
  const where = and(
    eq(projects.organisationId, actor.organisationId),
    projectScope(actor, projects.id),
    listFilters(columns, input, ['code', 'name', 'clientName']),
  );
  const { limit, offset } = listPaging(input);
  const budgets = db
    .select({
      projectId: costCodes.projectId,
      budgetAmount: sql<string>`sum(${costCodes.originalBudgetAmount})`.as('budget_amount'),
      costCodeCount: sql<number>`count(*)::int`.as('cost_code_count'),
    })
    .from(costCodes)
    .groupBy(costCodes.projectId)
    .as('budgets');
  const rows = await db
    .select({
      id: projects.id,
      code: projects.code,
      name: projects.name,
      clientName: projects.clientName,
      currency: projects.currency,
      originalContractAmount: projects.originalContractAmount,
      budgetAmount: sql<string>`coalesce(${budgets.budgetAmount}, 0)::numeric(14,2)::text`,
      costCodeCount: sql<number>`coalesce(${budgets.costCodeCount}, 0)`,
      odooId: projects.odooId,
    })
    .from(projects)
    .leftJoin(budgets, eq(budgets.projectId, projects.id))
    .where(where)
    .orderBy(...listOrder(columns, input, [projects.code, projects.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(projects).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

export async function getProject(db: DbOrTx, actor: Actor, projectId: string) {
  const [project] = await db
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.id, projectId),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, projects.id),
      ),
    );
  if (!project) return null;
  const codes = await db
    .select({
      id: costCodes.id,
      code: costCodes.code,
      name: costCodes.name,
      originalBudgetAmount: costCodes.originalBudgetAmount,
    })
    .from(costCodes)
    .where(eq(costCodes.projectId, projectId))
    .orderBy(costCodes.code);
  return { ...project, costCodes: codes };
}

/** Short list for pickers (membership screens, filters). */
export async function listProjectOptions(db: DbOrTx, actor: Actor) {
  return db
    .select({ id: projects.id, code: projects.code, name: projects.name })
    .from(projects)
    .where(and(eq(projects.organisationId, actor.organisationId), projectScope(actor, projects.id)))
    .orderBy(projects.code);
}
