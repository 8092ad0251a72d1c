import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { projectMembers, projects, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';

const columns = {
  name: { sql: users.name, filter: 'contains' },
  email: { sql: users.email, filter: 'contains' },
  role: { sql: users.role, filter: 'equals' },
  status: { sql: sql`CASE WHEN ${users.isActive} THEN 'active' ELSE 'inactive' END`, filter: 'equals' },
  lastSignInAt: { sql: users.lastSignInAt },
  createdAt: { sql: users.createdAt },
} satisfies ListColumns;

export type UserListRow = {
  id: string;
  name: string;
  email: string;
  role: string;
  status: 'active' | 'inactive';
  version: number;
  projectCount: number;
  lastSignInAt: Date | null;
  createdAt: Date;
};

export async function listUsers(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<UserListRow>> {
  const where = and(
    eq(users.organisationId, actor.organisationId),
    listFilters(columns, input, ['name', 'email']),
  );
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      status: sql<'active' | 'inactive'>`${columns.status.sql}`,
      version: users.version,
      projectCount: sql<number>`(SELECT count(*)::int FROM ${projectMembers} WHERE ${projectMembers.userId} = ${users.id})`,
      lastSignInAt: users.lastSignInAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(where)
    .orderBy(...listOrder(columns, input, [sql`lower(${users.name})`, users.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(users).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

export async function getUserDetail(db: DbOrTx, actor: Actor, userId: string) {
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      isActive: users.isActive,
      version: users.version,
      lastSignInAt: users.lastSignInAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.organisationId, actor.organisationId)));
  if (!user) return null;
  const memberships = await db
    .select({ projectId: projects.id, code: projects.code, name: projects.name })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, userId))
    .orderBy(projects.code);
  return { ...user, memberships };
}

export async function listProjectMembers(db: DbOrTx, actor: Actor, projectId: string) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      isActive: users.isActive,
      addedAt: projectMembers.createdAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projects.organisationId, actor.organisationId)))
    .orderBy(desc(users.isActive), users.name);
}
