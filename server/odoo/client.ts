import { createOdooError, isOdooError, OdooConfigurationError, type OdooError } from './errors';
import { fieldNames, type OdooFieldNames } from './field-names';
import { Semaphore } from './semaphore';
import { instrumentOdooFetch } from '@/server/observability/metrics';
import { json2, jsonRpc, type FetchLike, type HttpSettings } from './transport';

export type OdooTransport = 'json2' | 'jsonrpc';
export type OdooDomain = unknown[];
export type OdooContext = Record<string, unknown>;
export type OdooRecord = { id: number } & Record<string, unknown>;

export interface OdooClientConfig {
  url: string;
  db: string;
  login: string;
  apiKey?: string;
  password?: string;
  /** Per HTTP request; default 60 s, below Odoo's own 120 s `limit_time_real`. */
  timeoutMs?: number;
  /** Calls in flight per (url, db), shared by every client of that database. Default 4. */
  maxInFlight?: number;
  transport?: 'auto' | OdooTransport;
  fetchImpl?: FetchLike;
  /** Extra attempts for idempotent reads on transient/ambiguous failures. Default 2. */
  readRetries?: number;
  /** Base of the jittered exponential backoff between read attempts. Default 250 ms. */
  retryBaseDelayMs?: number;
  userAgent?: string;
}

export interface OdooVersionInfo {
  serverVersion: string;
  major: number;
  info: unknown[];
}

export interface OdooCallRequest {
  ids?: number[];
  /** Positional arguments (JSON-RPC only; JSON-2 takes names). */
  args?: unknown[];
  /** Named arguments (`domain`, `fields`, `vals_list`, …); `kwargs` is an alias. */
  params?: Record<string, unknown>;
  kwargs?: Record<string, unknown>;
}

export interface OdooCallOptions {
  context?: OdooContext;
  /** Safe to repeat: retried on transient/ambiguous failures. Reads are idempotent by default. */
  idempotent?: boolean;
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  order?: string;
  context?: OdooContext;
}

export interface OdooIdentity {
  uid: number;
  name: string;
  login: string;
  company: { id: number; name: string; currency: string | null };
}

export interface OdooClient {
  version(): Promise<OdooVersionInfo>;
  transport(): Promise<OdooTransport>;
  fieldNames(): Promise<OdooFieldNames>;
  call<T = unknown>(
    model: string,
    method: string,
    request?: OdooCallRequest,
    options?: OdooCallOptions,
  ): Promise<T>;
  search(model: string, domain: OdooDomain, options?: SearchOptions): Promise<number[]>;
  searchRead<T extends OdooRecord = OdooRecord>(
    model: string,
    domain: OdooDomain,
    fields: string[],
    options?: SearchOptions,
  ): Promise<T[]>;
  /** Every matching record, fetched in pages of `pageSize` (default 500) ordered by `order` (default id). */
  searchReadAll<T extends OdooRecord = OdooRecord>(
    model: string,
    domain: OdooDomain,
    fields: string[],
    options?: SearchOptions & { pageSize?: number },
  ): Promise<T[]>;
  searchCount(model: string, domain: OdooDomain, options?: { context?: OdooContext }): Promise<number>;
  read<T extends OdooRecord = OdooRecord>(
    model: string,
    ids: number[],
    fields: string[],
    options?: { pageSize?: number; context?: OdooContext },
  ): Promise<T[]>;
  create(model: string, vals: Record<string, unknown>, options?: { context?: OdooContext }): Promise<number>;
  createMany(
    model: string,
    valsList: Record<string, unknown>[],
    options?: { chunkSize?: number; context?: OdooContext },
  ): Promise<number[]>;
  write(
    model: string,
    ids: number[],
    vals: Record<string, unknown>,
    options?: { context?: OdooContext },
  ): Promise<boolean>;
  unlink(model: string, ids: number[], options?: { context?: OdooContext }): Promise<boolean>;
  action<T = unknown>(
    model: string,
    method: string,
    ids: number[],
    params?: Record<string, unknown>,
    options?: OdooCallOptions,
  ): Promise<T | null>;
  messagePost(
    model: string,
    id: number,
    message: { body: string; messageType?: string; subtypeXmlid?: string; bodyIsHtml?: boolean },
  ): Promise<number>;
  whoAmI(): Promise<OdooIdentity>;
  /**
   * Whether this login may `operation` records of `model` (Odoo's model ACL, ir.model.access), without
   * raising: `has_access` on 18+ (ids first, an empty list = the model), `check_access_rights(…,
   * raise_exception=False)` before.
   */
  hasAccess(model: string, operation: 'read' | 'create' | 'write' | 'unlink'): Promise<boolean>;
}

const READ_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'read',
  'fields_get',
  'name_search',
  'context_get',
  'check_access_rights',
  'has_access',
]);
/**
 * Parameters Odoo's JSON-RPC path only reads positionally (after the ids of a record method):
 * `create`'s values are read back as `args[0]` once the records exist (odoo/service/model.py).
 */
const POSITIONAL_FIRST: Record<string, string> = { create: 'vals_list' };
const semaphores = new Map<string, Semaphore>();

/** One bound per Odoo database, whoever asks (the first client's `maxInFlight` sets it). */
function semaphoreFor(url: string, db: string, max: number): Semaphore {
  const key = `${url}|${db}`;
  let semaphore = semaphores.get(key);
  if (!semaphore) semaphores.set(key, (semaphore = new Semaphore(max)));
  return semaphore;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Session {
  version: OdooVersionInfo;
  transport: OdooTransport;
  uid: number | undefined;
}

export function createOdooClient(config: OdooClientConfig): OdooClient {
  const baseUrl = config.url.replace(/\/+$/, '');
  const semaphore = semaphoreFor(baseUrl, config.db, config.maxInFlight ?? 4);
  const http: HttpSettings = {
    baseUrl,
    // metrics (latency, calls per record) and the X-Correlation-Id header of the running sync job
    fetchImpl: instrumentOdooFetch(config.fetchImpl ?? ((input, init) => fetch(input, init))),
    timeoutMs: config.timeoutMs ?? 60_000,
    secrets: [config.apiKey, config.password],
    userAgent: config.userAgent ?? 'Plumbline Odoo client',
  };
  const readRetries = config.readRetries ?? 2;
  const baseDelay = config.retryBaseDelayMs ?? 250;
  const secret = config.apiKey ?? config.password;

  const bounded = <T>(fn: () => Promise<T>) => semaphore.run(fn);

  async function withRetries<T>(idempotent: boolean, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await bounded(fn);
      } catch (error) {
        const retryable =
          isOdooError(error) && (error.kind === 'transient' || (idempotent && error.kind === 'ambiguous'));
        // Writes are never repeated here: the sync engine decides after re-reading Odoo.
        if (!idempotent || !retryable || attempt >= readRetries) throw error;
        await sleep(Math.random() * baseDelay * 2 ** attempt);
      }
    }
  }

  async function detectVersion(): Promise<OdooVersionInfo> {
    const info = (await withRetries(true, () => jsonRpc(http, 'common', 'version', []))) as {
      server_version?: string;
      server_version_info?: unknown[];
    };
    const list = Array.isArray(info.server_version_info) ? info.server_version_info : [];
    const major =
      typeof list[0] === 'number' ? list[0] : Number.parseInt(String(info.server_version ?? ''), 10);
    if (!Number.isFinite(major))
      throw new OdooConfigurationError({
        odooName: 'plumbline.UnknownVersion',
        message: 'Odoo did not report its version',
      });
    return { serverVersion: String(info.server_version ?? `${major}.0`), major, info: list };
  }

  async function openSession(): Promise<Session> {
    const version = await detectVersion();
    const wanted = config.transport ?? 'auto';
    if (!secret)
      throw new OdooConfigurationError({
        odooName: 'plumbline.MissingCredentials',
        message: 'An Odoo API key or password is required',
      });
    if (wanted === 'json2' && (version.major < 19 || !config.apiKey)) {
      throw new OdooConfigurationError({
        odooName: 'plumbline.TransportUnavailable',
        message: `JSON-2 needs Odoo 19+ and an API key (server is ${version.serverVersion})`,
      });
    }
    if (wanted === 'json2' || (wanted === 'auto' && version.major >= 19 && config.apiKey)) {
      return { version, transport: 'json2', uid: undefined };
    }
    const uid = await withRetries(true, () =>
      jsonRpc(http, 'common', 'authenticate', [config.db, config.login, secret, {}]),
    );
    // authenticate answers false (not an error) for a bad login or key.
    if (typeof uid !== 'number') {
      throw new OdooConfigurationError({
        odooName: 'odoo.exceptions.AccessDenied',
        message: 'Odoo rejected the login or API key',
      });
    }
    return { version, transport: 'jsonrpc', uid };
  }

  let session: Promise<Session> | undefined;
  function ensureSession(): Promise<Session> {
    session ??= openSession().catch((error: unknown) => {
      session = undefined; // let the next call try again
      throw error;
    });
    return session;
  }

  async function call<T>(
    model: string,
    method: string,
    request: OdooCallRequest = {},
    options: OdooCallOptions = {},
  ): Promise<T> {
    const current = await ensureSession();
    const params = { ...(request.kwargs ?? {}), ...(request.params ?? {}) };
    const idempotent = options.idempotent ?? READ_METHODS.has(method);
    const context = options.context;
    if (current.transport === 'json2') {
      if (request.args && request.args.length > 0) {
        throw new OdooConfigurationError({
          odooName: 'plumbline.PositionalArguments',
          message: `JSON-2 takes named arguments only (${model}.${method})`,
          model,
          method,
        });
      }
      const body: Record<string, unknown> = { ...params };
      if (request.ids) body.ids = request.ids;
      if (context) body.context = context;
      return (await withRetries(idempotent, () =>
        json2({ ...http, apiKey: config.apiKey ?? '', db: config.db }, model, method, body),
      )) as T;
    }
    // execute_kw hands `args` to Odoo's call_kw, which reads record ids from args[0] and create's
    // values from args[0] (odoo/service/model.py); keyword-only there is an IndexError on a real
    // server. Every other parameter binds by name, as JSON-2 does.
    const leading = POSITIONAL_FIRST[method];
    const named = { ...params };
    const head: unknown[] = [];
    if (leading && leading in named && !(request.args && request.args.length > 0)) {
      head.push(named[leading]);
      delete named[leading];
    }
    const rest = [...head, ...(request.args ?? [])];
    const positional = request.ids ? [request.ids, ...rest] : rest;
    const kwargs = context ? { ...named, context } : named;
    return (await withRetries(idempotent, () =>
      jsonRpc(
        http,
        'object',
        'execute_kw',
        [config.db, current.uid, secret, model, method, positional, kwargs],
        { model, method },
      ),
    )) as T;
  }

  const chunk = <T>(items: T[], size: number): T[][] => {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  };

  const client: OdooClient = {
    version: async () => (await ensureSession()).version,
    transport: async () => (await ensureSession()).transport,
    fieldNames: async () => fieldNames((await ensureSession()).version.major),
    call,
    search: (model, domain, o = {}) =>
      call<number[]>(model, 'search', { params: { domain, ...page(o) } }, { context: o.context }),
    searchRead: (model, domain, fields, o = {}) =>
      call(model, 'search_read', { params: { domain, fields, ...page(o) } }, { context: o.context }),
    async searchReadAll(model, domain, fields, o = {}) {
      const pageSize = o.pageSize ?? 500;
      const out = [];
      for (let offset = o.offset ?? 0; ; offset += pageSize) {
        const rows = await client.searchRead(model, domain, fields, {
          ...o,
          offset,
          limit: pageSize,
          order: o.order ?? 'id',
        });
        out.push(...rows);
        if (rows.length < pageSize) return out as never[];
      }
    },
    searchCount: (model, domain, o = {}) =>
      call<number>(model, 'search_count', { params: { domain } }, { context: o.context }),
    async read(model, ids, fields, o = {}) {
      const out = [];
      for (const part of chunk(ids, o.pageSize ?? 500)) {
        out.push(
          ...(await call<OdooRecord[]>(
            model,
            'read',
            { ids: part, params: { fields } },
            { context: o.context },
          )),
        );
      }
      return out as never[];
    },
    async create(model, vals, o = {}) {
      const result = await call<number | number[]>(
        model,
        'create',
        { params: { vals_list: [vals] } },
        { context: o.context },
      );
      const id = Array.isArray(result) ? result[0] : result;
      if (typeof id !== 'number')
        throw createOdooError('business', {
          odooName: 'plumbline.UnexpectedResult',
          message: `create on ${model} returned no id`,
          model,
          method: 'create',
        });
      return id;
    },
    async createMany(model, valsList, o = {}) {
      const ids: number[] = [];
      // One create per chunk: each chunk is one Odoo transaction (all or nothing).
      for (const part of chunk(valsList, o.chunkSize ?? 200)) {
        try {
          const result = await call<number[] | number>(
            model,
            'create',
            { params: { vals_list: part } },
            { context: o.context },
          );
          ids.push(...(Array.isArray(result) ? result : [result]));
        } catch (error) {
          if (isOdooError(error))
            throw withDetails(error, { createdIds: [...ids], failedChunkSize: part.length });
          throw error;
        }
      }
      return ids;
    },
    write: (model, ids, vals, o = {}) =>
      call<boolean>(model, 'write', { ids, params: { vals } }, { context: o.context }),
    unlink: (model, ids, o = {}) => call<boolean>(model, 'unlink', { ids }, { context: o.context }),
    action: async (model, method, ids, params, options) =>
      (await call(model, method, { ids, params }, options)) ?? null,
    async messagePost(model, id, message) {
      const params: Record<string, unknown> = {
        body: message.body,
        message_type: message.messageType ?? 'comment',
        subtype_xmlid: message.subtypeXmlid ?? 'mail.mt_note',
      };
      if (message.bodyIsHtml) params.body_is_html = true;
      const result = await call<number | number[]>(model, 'message_post', { ids: [id], params });
      // 19 answers [id]; 16–18 answer id.
      const messageId = Array.isArray(result) ? result[0] : result;
      if (typeof messageId !== 'number')
        throw createOdooError('business', {
          odooName: 'plumbline.UnexpectedResult',
          message: 'message_post returned no id',
          model,
          method: 'message_post',
        });
      return messageId;
    },
    async hasAccess(model, operation) {
      const { major } = (await ensureSession()).version;
      const answer =
        major >= 18
          ? await call(model, 'has_access', { ids: [], params: { operation } })
          : await call(model, 'check_access_rights', { params: { operation, raise_exception: false } });
      return answer === true;
    },
    async whoAmI() {
      const current = await ensureSession();
      const uid = current.uid ?? (await call<{ uid: number }>('res.users', 'context_get')).uid;
      const [user] = await client.read('res.users', [uid], ['name', 'login', 'company_id']);
      const companyId = Array.isArray(user?.company_id) ? Number(user.company_id[0]) : 0;
      const [company] = companyId
        ? await client.read('res.company', [companyId], ['name', 'currency_id'])
        : [];
      const currency = Array.isArray(company?.currency_id) ? String(company.currency_id[1]) : null;
      return {
        uid,
        name: String(user?.name ?? ''),
        login: String(user?.login ?? config.login),
        company: { id: companyId, name: String(company?.name ?? ''), currency },
      };
    },
  };
  return client;
}

function page(options: SearchOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options.limit !== undefined) out.limit = options.limit;
  if (options.offset !== undefined) out.offset = options.offset;
  if (options.order !== undefined) out.order = options.order;
  return out;
}

function withDetails(error: OdooError, details: Record<string, unknown>): OdooError {
  return createOdooError(error.kind, {
    odooName: error.odooName,
    message: error.message,
    httpStatus: error.httpStatus,
    model: error.model,
    method: error.method,
    details: { ...error.details, ...details },
    cause: error,
  });
}
