import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema';
import { env } from '@/server/env';

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema> & { $client: pg.Pool };
export type Tx = PgTransaction<NodePgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Services take either; they open their own transaction when handed the pool-backed Db. */
export type DbOrTx = Db | Tx;

// numeric arrives as a string already; keep int8 (counts) as numbers since they stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function createDb(url: string, options: { max?: number; applicationName?: string } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'plumbline',
    idleTimeoutMillis: 30_000,
    // Short OLTP queries: PostgreSQL's JIT spent ~1.4 s compiling the portfolio query for a ~0.35 s
    // execution (BENCHMARKS.md), so the application's sessions run without it.
    options: '-c jit=off',
  });
  // An idle client losing its server (restart, failover) must not crash the process; the pool
  // replaces it on the next checkout.
  pool.on('error', (error) => {
    if (!env().isTest) console.error(`[db] idle connection error: ${error.message}`);
  });
  return drizzle(pool, { schema }) as Db;
}

const globalForDb = globalThis as unknown as { plumblineDb?: Db };

/** The process-wide pool (kept on globalThis so Next's dev reloads do not leak pools). */
export function getDb(): Db {
  if (!globalForDb.plumblineDb) {
    const url = env().DATABASE_URL;
    if (!url)
      throw new Error('DATABASE_URL is not set: start Plumbline with `npm start`, which provides one.');
    globalForDb.plumblineDb = createDb(url);
  }
  return globalForDb.plumblineDb;
}
