import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolveMethod, runCall } from './dispatch';
import { buildRegistry } from './models/registry';
import { ormCreate, ormRead, ormSearch, ormUnlink, ormWrite, type SearchOptions } from './orm';
import type { Env, ModelDef, OdooVersion, RawRecord, Role } from './schema';

export interface SimUser {
  uid: number;
  login: string;
  password: string;
  role: Role;
}

export interface SimApiKey {
  key: string;
  uid: number;
  name: string;
}

interface Snapshot {
  version: OdooVersion;
  tables: Record<string, RawRecord[]>;
  nextIds: Record<string, number>;
  users: SimUser[];
  apiKeys: SimApiKey[];
}

type Undo = () => void;

/**
 * Server time one request costs beyond its latency (what Odoo spends recomputing an order), charged
 * by the models during the call and slept by the HTTP layer before it answers.
 */
export const requestCost = new AsyncLocalStorage<{ ms: number; orders: Set<string> }>();
export function chargeMs(ms: number): void {
  const store = requestCost.getStore();
  if (store && ms > 0) store.ms += ms;
}

/**
 * The simulator's database: rows per model, users and API keys, and an undo journal so that one
 * request is one transaction (a failing call leaves no partial writes, as in Odoo). Ids are not
 * given back on rollback, like PostgreSQL sequences.
 */
export class SimState {
  readonly registry: Map<string, ModelDef>;
  private tables = new Map<string, Map<number, RawRecord>>();
  private nextIds = new Map<string, number>();
  private journal: Undo[] | undefined;
  users: SimUser[] = [];
  apiKeys: SimApiKey[] = [];
  /**
   * Milliseconds Odoo spends per line already on an order each time it recomputes that order (0 = free).
   * CONTRACT.md: on a ~500-line order a 35-line create took up to 14.5 s ≈ 0.8 ms × 500 lines per line.
   */
  orderLineCostMs = 0;
  /**
   * `model:operation` pairs refused to every user, admin included — what a fresh Odoo looks like
   * before a group is granted (CONTRACT.md: a fresh admin has no "Analytic Accounting" group, so reading
   * account.analytic.plan is an AccessError). Tests and demos add to it; the ACL check reads it.
   */
  deniedAccess = new Set<string>();
  /** Server clock; tests may replace it to make write_date deterministic. */
  now: () => Date = () => new Date();
  /** Called after each committed transaction that wrote something. */
  onCommit: (() => void) | undefined;

  constructor(
    readonly version: OdooVersion,
    readonly db: string,
  ) {
    this.registry = buildRegistry(version);
  }

  table(model: string): Map<number, RawRecord> {
    let table = this.tables.get(model);
    if (!table) {
      table = new Map();
      this.tables.set(model, table);
    }
    return table;
  }

  get(model: string, id: number): RawRecord | undefined {
    return this.tables.get(model)?.get(id);
  }

  all(model: string): RawRecord[] {
    return [...this.table(model).values()];
  }

  nextId(model: string): number {
    const table = this.table(model);
    const next = this.nextIds.get(model) ?? Math.max(0, ...table.keys()) + 1;
    this.nextIds.set(model, next + 1);
    return next;
  }

  /** Low-level insert with undo; business rules live in orm.ts. */
  insertRow(model: string, row: RawRecord): void {
    this.table(model).set(row.id, row);
    this.journal?.push(() => this.table(model).delete(row.id));
  }

  updateRow(model: string, id: number, values: Record<string, unknown>): void {
    const row = this.get(model, id);
    if (!row) return;
    const before: Record<string, unknown> = {};
    for (const key of Object.keys(values)) before[key] = row[key];
    Object.assign(row, values);
    this.journal?.push(() => Object.assign(row, before));
  }

  deleteRow(model: string, id: number): void {
    const row = this.get(model, id);
    if (!row) return;
    this.table(model).delete(id);
    this.journal?.push(() => this.table(model).set(id, row));
  }

  /** Runs `fn` as one transaction: all its row changes are undone if it throws. */
  transaction<T>(fn: () => T, { writes = true } = {}): T {
    if (this.journal) return fn();
    this.journal = [];
    try {
      const result = fn();
      const wrote = this.journal.length > 0;
      this.journal = undefined;
      if (writes && wrote) this.onCommit?.();
      return result;
    } catch (error) {
      const undo = this.journal ?? [];
      this.journal = undefined;
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
      throw error;
    }
  }

  userById(uid: number): SimUser | undefined {
    return this.users.find((user) => user.uid === uid);
  }

  roleOf(uid: number): Role {
    return this.userById(uid)?.role ?? 'portal';
  }

  /** A password or any API key of the user (what `interactive: False` accepts). */
  checkCredentials(login: string, secret: string): number | false {
    const user = this.users.find((candidate) => candidate.login === login);
    if (!user) return false;
    if (user.password === secret) return user.uid;
    return this.apiKeys.some((key) => key.uid === user.uid && key.key === secret) ? user.uid : false;
  }

  uidForApiKey(key: string): number | undefined {
    return this.apiKeys.find((candidate) => candidate.key === key)?.uid;
  }

  env(uid = 2, context: Record<string, unknown> = {}, su = true): Env {
    return { state: this, uid, context, su };
  }

  // Helpers for tests and seeds: superuser, one transaction each.
  create(model: string, vals: Record<string, unknown>): number {
    return this.transaction(() => ormCreate(this.env(), model, [vals]))[0] as number;
  }

  createMany(model: string, valsList: Record<string, unknown>[]): number[] {
    return this.transaction(() => ormCreate(this.env(), model, valsList));
  }

  write(model: string, ids: number | number[], vals: Record<string, unknown>): void {
    this.transaction(() => ormWrite(this.env(), model, Array.isArray(ids) ? ids : [ids], vals));
  }

  unlink(model: string, ids: number | number[]): void {
    this.transaction(() => ormUnlink(this.env(), model, Array.isArray(ids) ? ids : [ids]));
  }

  search(model: string, domain: unknown[] = [], options: SearchOptions = {}): number[] {
    return ormSearch(this.env(), model, domain, options);
  }

  read(model: string, ids: number[], fields?: string[]): Record<string, unknown>[] {
    return ormRead(this.env(), model, ids, fields);
  }

  /** Runs a model method as the admin user (e.g. `call('account.move', 'action_post', [id])`). */
  call(model: string, method: string, ids: number[], args: Record<string, unknown> = {}): unknown {
    const def = this.registry.get(model);
    const bound = def ? resolveMethod(this, def, method) : undefined;
    if (!bound) throw new Error(`no method ${model}.${method}`);
    return runCall(this, bound, { uid: 2, model, method, ids, named: args, context: {} });
  }

  toJSON(): Snapshot {
    const tables: Record<string, RawRecord[]> = {};
    for (const [model, table] of this.tables) tables[model] = [...table.values()];
    return {
      version: this.version,
      tables,
      nextIds: Object.fromEntries(this.nextIds),
      users: this.users,
      apiKeys: this.apiKeys,
    };
  }

  load(snapshot: Snapshot): void {
    this.tables = new Map(
      Object.entries(snapshot.tables).map(([model, rows]) => [
        model,
        new Map(rows.map((row) => [row.id, row])),
      ]),
    );
    this.nextIds = new Map(Object.entries(snapshot.nextIds));
    this.users = snapshot.users;
    this.apiKeys = snapshot.apiKeys;
  }

  saveTo(file: string): void {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.toJSON()));
    renameSync(tmp, file);
  }

  /** Loads a snapshot written by `saveTo`; false when there is none or it is for another version. */
  loadFrom(file: string): boolean {
    if (!existsSync(file)) return false;
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    if (snapshot.version !== this.version) return false;
    this.load(snapshot);
    return true;
  }
}
