import type { OdooClient } from '@/server/odoo/client';

/**
 * Test hook (SYNC_CRASH_AT, refused in production by server/env.ts): the worker SIGKILLs itself at
 * one of these points of a sync job, so the crash drill (`npm run drill:crash`) and the worker tests
 * can prove that no point leaves a duplicate Odoo document or an approval without its Odoo effect.
 *   after_claim        graphile has locked the job; nothing done yet
 *   after_odoo_search  the handler searched Odoo and is about to write (create / post)
 *   after_odoo_call    Odoo answered; nothing recorded in PostgreSQL yet
 *   mid_commit         the round's attempt rows, effects, links and statuses are written, not committed
 *   after_commit       committed; graphile has not yet marked the job done (it will run again)
 */
export const SYNC_CRASH_POINTS = [
  'after_claim',
  'after_odoo_search',
  'after_odoo_call',
  'mid_commit',
  'after_commit',
] as const;
export type SyncCrashPoint = (typeof SYNC_CRASH_POINTS)[number];

/** Dies like a SIGKILLed worker: no finally block, no exit handler, no graceful drain. */
export async function crashNow(): Promise<never> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => {}); // never settles: nothing may run after the "crash"
}

const WRITE_METHODS = ['create', 'createMany', 'write', 'unlink', 'messagePost', 'action'] as const;
const READ_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'read',
  'fields_get',
  'name_search',
  'context_get',
  'check_access_rights',
]);

/** The client a handler gets for 'after_odoo_search': its searches run, its first write kills the process. */
export function crashBeforeFirstWrite(odoo: OdooClient): OdooClient {
  const crashing = Object.fromEntries(WRITE_METHODS.map((name) => [name, () => crashNow()]));
  return {
    ...odoo,
    ...crashing,
    call: (model, method, request, options) =>
      READ_METHODS.has(method) ? odoo.call(model, method, request, options) : crashNow(),
  } as OdooClient;
}
