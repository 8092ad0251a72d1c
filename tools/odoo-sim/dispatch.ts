import { accessError, SimError, typeError, valueError } from './errors';
import {
  fieldsGet,
  logNote,
  modelDef,
  ormCreate,
  ormRead,
  ormSearch,
  ormUnlink,
  ormWrite,
  requireRecords,
  xmlidToResId,
} from './orm';
import type { Env, MethodDef, ModelDef, Operation, ParamSpec } from './schema';
import type { SimState } from './state';

interface BoundMethod extends MethodDef {
  /** `**kwargs` methods such as message_post accept any keyword. */
  anyKwargs?: boolean;
  /** The ACL operation the call needs; 'none' for questions about access itself. */
  operation: Operation | 'none';
}

const p = (name: string, required = false): ParamSpec => ({ name, required });

const genericMethods: Record<string, BoundMethod> = {
  search: {
    params: [p('domain', true), p('offset'), p('limit'), p('order')],
    model: true,
    readonly: true,
    operation: 'read',
    run: (env, _ids, a) => ormSearch(env, modelOf(env), a.domain, pageOptions(a)),
  },
  search_read: {
    params: [p('domain'), p('fields'), p('offset'), p('limit'), p('order')],
    model: true,
    readonly: true,
    operation: 'read',
    run: (env, _ids, a) =>
      ormRead(
        env,
        modelOf(env),
        ormSearch(env, modelOf(env), a.domain ?? [], pageOptions(a)),
        a.fields as string[] | undefined,
      ),
  },
  search_count: {
    params: [p('domain', true), p('limit')],
    model: true,
    readonly: true,
    operation: 'read',
    run: (env, _ids, a) =>
      ormSearch(env, modelOf(env), a.domain, { limit: a.limit as number | undefined }).length,
  },
  read: {
    params: [p('fields'), p('load')],
    readonly: true,
    operation: 'read',
    run: (env, ids, a) => ormRead(env, modelOf(env), ids, a.fields as string[] | undefined),
  },
  create: {
    params: [p('vals_list', true)],
    model: true,
    operation: 'create',
    run: (env, _ids, a) => {
      const single = !Array.isArray(a.vals_list);
      const created = ormCreate(
        env,
        modelOf(env),
        (single ? [a.vals_list] : a.vals_list) as Record<string, unknown>[],
      );
      // create(dict) answers an int over the RPC transports; JSON-2 wraps it in a list.
      return single ? created[0] : created;
    },
  },
  write: {
    params: [p('vals', true)],
    operation: 'write',
    run: (env, ids, a) => ormWrite(env, modelOf(env), ids, a.vals as Record<string, unknown>),
  },
  unlink: {
    params: [],
    operation: 'unlink',
    run: (env, ids) => ormUnlink(env, modelOf(env), ids),
  },
  fields_get: {
    params: [p('allfields'), p('attributes')],
    model: true,
    readonly: true,
    operation: 'read',
    run: (env, _ids, a) => fieldsGet(env.state, modelOf(env), a.allfields, a.attributes),
  },
  name_search: {
    params: [p('name'), p('domain'), p('operator'), p('limit')],
    model: true,
    readonly: true,
    operation: 'read',
    run: (env, _ids, a) => {
      const model = modelOf(env);
      const domain = [
        ...((a.domain as unknown[] | undefined) ?? []),
        ['display_name', (a.operator as string | undefined) ?? 'ilike', a.name ?? ''],
      ];
      const ids = ormSearch(env, model, domain, { limit: (a.limit as number | undefined) ?? 100 });
      return ormRead(env, model, ids, ['display_name']).map((row) => [row.id, row.display_name]);
    },
  },
};

const OPERATIONS: readonly Operation[] = ['read', 'create', 'write', 'unlink'];

function accessAnswer(env: Env, a: Record<string, unknown>, raise: boolean): boolean {
  const operation = a.operation as Operation;
  if (!OPERATIONS.includes(operation)) throw valueError(`Invalid access mode: ${String(a.operation)}`);
  const def = modelDef(env.state, modelOf(env));
  if (accessAllowed(env.state, env.uid, def, operation)) return true;
  if (raise) checkAccess(env.state, env.uid, def, operation);
  return false;
}

/**
 * Model-level access questions (ir.model.access), answered from the same rule as the calls themselves.
 * - ≤ 18: `@api.model check_access_rights(operation, raise_exception=True)` (odoo/models.py); 18.0
 *   deprecates it for check_access/has_access (OCA "Migration to version 18.0": "Changes in API to check
 *   access rights"), so the simulator, stricter, no longer serves it from 19.
 * - ≥ 18: `has_access(operation)`, a record method: over JSON-RPC its ids come first (an empty list asks
 *   about the model only); never raises.
 * Neither needs any access right itself.
 */
const accessMethods = (version: number): Record<string, BoundMethod> => ({
  ...(version <= 18
    ? {
        check_access_rights: {
          params: [p('operation', true), p('raise_exception')],
          model: true,
          readonly: true,
          operation: 'none',
          run: (env, _ids, a) => accessAnswer(env, a, a.raise_exception !== false),
        } satisfies BoundMethod,
      }
    : {}),
  ...(version >= 18
    ? {
        has_access: {
          params: [p('operation', true)],
          readonly: true,
          operation: 'none',
          run: (env, _ids, a) => accessAnswer(env, a, false),
        } satisfies BoundMethod,
      }
    : {}),
});

const messagePost: BoundMethod = {
  params: [],
  anyKwargs: true,
  operation: 'read',
  run: (env, ids, a) => {
    const model = modelOf(env);
    const [record] = requireRecords(env, model, ids);
    // mail_thread.py message_post: `subtype_id = self.env['ir.model.data']._xmlid_to_res_id(subtype_xmlid)`,
    // whose lookup raises ValueError "External ID not found in the system: …" for an unknown id.
    const subtypeXmlid = typeof a.subtype_xmlid === 'string' ? a.subtype_xmlid : undefined;
    const subtypeId = subtypeXmlid ? xmlidToResId(env.state, subtypeXmlid) : undefined;
    if (subtypeXmlid && subtypeId === undefined)
      throw valueError(`External ID not found in the system: ${subtypeXmlid}`);
    const body = typeof a.body === 'string' ? a.body : '';
    const html = a.body_is_html === true ? body : `<p>${escapeHtml(body)}</p>`;
    const id = logNote(
      env,
      model,
      record?.id ?? 0,
      html,
      typeof a.message_type === 'string' ? a.message_type : 'notification',
    );
    // Without one, message_post falls back to mail.mt_note, as logNote already set.
    if (subtypeId !== undefined) env.state.updateRow('mail.message', id, { subtype_id: subtypeId });
    // 19 turns the returned recordset into a list of ids; older versions answer the int.
    return env.state.version >= 19 ? [id] : id;
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function pageOptions(a: Record<string, unknown>) {
  return {
    offset: typeof a.offset === 'number' ? a.offset : 0,
    limit: typeof a.limit === 'number' ? a.limit : undefined,
    order: typeof a.order === 'string' ? a.order : undefined,
  };
}

/** The model under call travels in the context key below so generic methods stay table-driven. */
const MODEL_KEY = '__sim_model';
function modelOf(env: Env): string {
  return String(env.context[MODEL_KEY]);
}

export function resolveMethod(state: SimState, def: ModelDef, method: string): BoundMethod | undefined {
  if (method.startsWith('_')) {
    throw accessError(`Private methods (such as '${def.name}.${method}') cannot be called remotely.`);
  }
  const own = def.methods?.[method];
  if (own) return { operation: own.readonly ? 'read' : 'write', ...own };
  if (method === 'message_post' && def.mailThread) return messagePost;
  const access = accessMethods(state.version);
  if (Object.hasOwn(access, method)) return access[method];
  return Object.hasOwn(genericMethods, method) ? genericMethods[method] : undefined;
}

export function methodNotFound(model: string, method: string): SimError {
  return new SimError('builtins.AttributeError', `The method '${model}.${method}' does not exist`);
}

/** The model ACL (ir.model.access): the one rule both the calls and check_access_rights/has_access ask. */
export function accessAllowed(state: SimState, uid: number, def: ModelDef, operation: Operation): boolean {
  if (state.deniedAccess.has(`${def.name}:${operation}`)) return false;
  const role = state.roleOf(uid);
  if (role === 'admin') return true;
  const allowed = def.access?.[role] ?? (role === 'user' ? ['read', 'create', 'write', 'unlink'] : ['read']);
  return allowed.includes(operation);
}

function checkAccess(state: SimState, uid: number, def: ModelDef, operation: Operation) {
  if (accessAllowed(state, uid, def, operation)) return;
  throw accessError(
    `You are not allowed to ${operation} '${def.description}' (${def.name}) records.\n\n` +
      'This operation is allowed for the following groups:\n\t- Administration/Settings\n\n' +
      'Contact your administrator to request access if necessary.',
  );
}

/** Positional RPC arguments → named ones, with Python's binding errors. */
export function bindPositional(
  method: BoundMethod,
  name: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
) {
  const positional = [...args];
  const ids = method.model ? [] : normaliseIds(positional.shift());
  if (positional.length > method.params.length) {
    throw typeError(
      `${name}() takes ${method.params.length + 1} positional arguments but ${positional.length + 1} were given`,
    );
  }
  const named: Record<string, unknown> = {};
  method.params.forEach((param, index) => {
    if (index < positional.length) named[param.name] = positional[index];
  });
  for (const [key, value] of Object.entries(kwargs)) {
    if (key in named) throw typeError(`${name}() got multiple values for argument '${key}'`);
    named[key] = value;
  }
  return { ids, named };
}

export function normaliseIds(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((id): id is number => typeof id === 'number');
  return [];
}

/** Checks named arguments against the signature; `missing`/`unexpected` describe the first problem. */
export function checkNamedArgs(
  method: BoundMethod,
  named: Record<string, unknown>,
): { missing?: string; unexpected?: string } {
  const missing = method.params.find((param) => param.required && !(param.name in named));
  if (missing) return { missing: missing.name };
  if (method.anyKwargs) return {};
  const unexpected = Object.keys(named).find((key) => !method.params.some((param) => param.name === key));
  return unexpected ? { unexpected } : {};
}

export interface CallRequest {
  uid: number;
  model: string;
  method: string;
  ids: number[];
  named: Record<string, unknown>;
  context: Record<string, unknown>;
}

/** Runs one call as one transaction, as Odoo's `execute_kw` and JSON-2 do. */
export function runCall(state: SimState, method: BoundMethod, request: CallRequest): unknown {
  const def = modelDef(state, request.model);
  if (method.operation !== 'none') checkAccess(state, request.uid, def, method.operation);
  const env: Env = {
    state,
    uid: request.uid,
    context: { ...request.context, [MODEL_KEY]: request.model },
    su: false,
  };
  return state.transaction(() => method.run(env, request.ids, request.named), { writes: !method.readonly });
}

/** Counts calls per model/method and tracks calls in flight (benchmarks and client tests read these). */
export class CallStats {
  private counts = new Map<string, number>();
  inFlight = 0;
  peakInFlight = 0;

  record(model: string, method: string): void {
    const key = `${model}/${method}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  count(model?: string, method?: string): number {
    let total = 0;
    for (const [key, value] of this.counts) {
      const [m, fn] = key.split('/');
      if ((model === undefined || m === model) && (method === undefined || fn === method)) total += value;
    }
    return total;
  }

  reset(): void {
    this.counts.clear();
    this.peakInFlight = this.inFlight;
  }
}
