import { and, ilike, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { DomainError } from '@/server/errors';

/**
 * Server-side paging, sorting and filtering for every table (components/data-table). A list query
 * declares its columns once; only declared ids can be sorted or filtered, so input never reaches
 * SQL as an identifier.
 */
export const EXPORT_ROW_CAP = 10_000;

export const listInputSchema = z
  .object({
    page: z.number().int().min(0).max(100_000).default(0),
    pageSize: z.number().int().min(1).max(200).default(25),
    sort: z
      .object({ id: z.string().max(64), desc: z.boolean() })
      .strict()
      .optional(),
    filters: z.record(z.string().max(64), z.string().max(200)).default({}),
    search: z.string().trim().max(200).optional(),
    /** Export: every filtered row (capped), for CSV. */
    all: z.boolean().optional(),
  })
  .strict();

export type ListInput = z.infer<typeof listInputSchema>;
export type ListResult<T> = { rows: T[]; total: number; page: number; pageSize: number };

export type ListColumn = { sql: AnyColumn | SQL; filter?: 'contains' | 'equals'; sortable?: boolean };
export type ListColumns = Record<string, ListColumn>;

export function listFilters(
  columns: ListColumns,
  input: ListInput,
  searchColumns: string[] = [],
): SQL | undefined {
  const conditions: SQL[] = [];
  for (const [id, value] of Object.entries(input.filters)) {
    const column = ownColumn(columns, id);
    if (!column?.filter || value === '') continue;
    conditions.push(
      column.filter === 'equals'
        ? sql`${column.sql}::text = ${value}`
        : ilike(sql`${column.sql}::text`, `%${escapeLike(value)}%`),
    );
  }
  if (input.search && searchColumns.length > 0) {
    const pattern = `%${escapeLike(input.search)}%`;
    const anyMatch = searchColumns
      .map((id) => ownColumn(columns, id))
      .filter((column): column is ListColumn => column !== undefined)
      .map((column) => ilike(sql`${column.sql}::text`, pattern));
    conditions.push(sql`(${sql.join(anyMatch, sql` OR `)})`);
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

export function listOrder(columns: ListColumns, input: ListInput, fallback: (SQL | AnyColumn)[]): SQL[] {
  const tail = fallback.map((part) => sql`${part}`);
  if (!input.sort) return tail;
  const column = ownColumn(columns, input.sort.id);
  if (!column) {
    // `constructor`, `__proto__`, `toString`: inherited names are not columns (they were a 500)
    throw new DomainError(
      'VALIDATION',
      `Sort: "${input.sort.id.slice(0, 64)}" is not a column of this list.`,
      { field: 'sort' },
    );
  }
  if (column.sortable === false) return tail;
  // the fallback keeps the order total, so paging never repeats or skips a row
  return [input.sort.desc ? sql`${column.sql} DESC NULLS LAST` : sql`${column.sql} ASC NULLS FIRST`, ...tail];
}

export function listPaging(input: ListInput): { limit: number; offset: number } {
  if (input.all) return { limit: EXPORT_ROW_CAP, offset: 0 };
  return { limit: input.pageSize, offset: input.page * input.pageSize };
}

/** Only the list's own declared columns: never a property inherited from Object.prototype. */
function ownColumn(columns: ListColumns, id: string): ListColumn | undefined {
  return Object.hasOwn(columns, id) ? columns[id] : undefined;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (match) => `\\${match}`);
}
