import { bindPositional, checkNamedArgs, methodNotFound, resolveMethod, runCall } from '../dispatch';
import {
  accessDenied,
  serializationFailure,
  serializeError,
  SimError,
  toSimError,
  userError,
  valueError,
} from '../errors';
import {
  planFaults,
  htmlReply,
  jsonReply,
  type FaultPlan,
  type SimContext,
  type SimReply,
  type SimRequest,
} from './common';

type Id = string | number | null;

export function rpcResult(id: Id, result: unknown): SimReply {
  // Odoo leaves `result` out when the method returned None.
  return jsonReply(200, result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result });
}

export function rpcError(ctx: SimContext, id: Id, error: unknown): SimReply {
  const simError = toSimError(error);
  // `code` means nothing: 0 on 19, 200 before (clients must branch on data.name).
  const code = ctx.state.version >= 19 ? 0 : 200;
  return jsonReply(200, {
    jsonrpc: '2.0',
    id,
    error: { code, message: 'Odoo Server Error', data: serializeError(simError) },
  });
}

export function parseJson(body: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: body.trim() === '' ? {} : (JSON.parse(body) as unknown) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function unknownDb(db: unknown): SimError {
  return new SimError(
    'psycopg2.OperationalError',
    `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${String(db)}" does not exist\n`,
  );
}

function versionInfo(ctx: SimContext) {
  const v = ctx.state.version;
  return {
    server_version: `${v}.0`,
    server_version_info: [v, 0, 0, 'final', 0, ''],
    server_serie: `${v}.0`,
    protocol_version: 1,
  };
}

/** POST /jsonrpc: services common, db and object, always HTTP 200 with the JSON-RPC envelope. */
export async function handleJsonRpc(ctx: SimContext, request: SimRequest): Promise<SimReply> {
  const parsed = parseJson(request.body);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
    return htmlReply(400, 'Invalid JSON data');
  }
  const envelope = parsed.value as { id?: Id; params?: unknown };
  const id = envelope.id ?? null;
  const params = envelope.params;
  if (Array.isArray(params)) {
    // Odoo does dict(params): a list of strings fails like this.
    const first = String(params[0] ?? '');
    return rpcError(
      ctx,
      id,
      valueError(`dictionary update sequence element #0 has length ${first.length}; 2 is required`),
    );
  }
  const {
    service,
    method,
    args = [],
  } = (params ?? {}) as { service?: string; method?: string; args?: unknown[] };
  const isObject = service === 'object' && (method === 'execute_kw' || method === 'execute');
  const target = isObject ? { model: String(args[3]), method: String(args[4]) } : {};
  const plan = await planFaults(ctx, target);
  if (plan.reply) return plan.reply;
  try {
    const result = dispatchService(
      ctx,
      plan,
      String(service),
      String(method),
      Array.isArray(args) ? args : [],
    );
    return { ...rpcResult(id, result), drop: plan.dropAfter };
  } catch (error) {
    return { ...rpcError(ctx, id, error), drop: plan.dropAfter };
  }
}

function dispatchService(
  ctx: SimContext,
  plan: FaultPlan,
  service: string,
  method: string,
  args: unknown[],
): unknown {
  const { state } = ctx;
  if (service === 'common') {
    if (method === 'version') return versionInfo(ctx);
    if (method === 'login' || method === 'authenticate') {
      const [db, login, password] = args;
      if (db !== state.db) throw unknownDb(db);
      // A bad login answers false, not an error.
      if (plan.expiredKey) return false;
      return state.checkCredentials(String(login), String(password));
    }
    throw new SimError('builtins.KeyError', `exp_${method}`);
  }
  if (service === 'db') {
    if (method === 'list') return [state.db];
    if (method === 'server_version') return `${state.version}.0`;
    if (method === 'db_exist') return args[0] === state.db;
    throw new SimError('builtins.KeyError', `exp_${method}`);
  }
  if (service === 'object') {
    if (method !== 'execute_kw' && method !== 'execute')
      throw new SimError('builtins.KeyError', `exp_${method}`);
    const [db, uid, password, model, fn, callArgs, callKwargs] = args;
    if (db !== state.db) throw unknownDb(db);
    const user = typeof uid === 'number' ? state.userById(uid) : undefined;
    if (
      !user ||
      plan.expiredKey ||
      !password ||
      state.checkCredentials(user.login, String(password)) !== user.uid
    ) {
      throw accessDenied();
    }
    const positional = method === 'execute' ? args.slice(5) : Array.isArray(callArgs) ? callArgs : [];
    const kwargs = method === 'execute' ? {} : ((callKwargs ?? {}) as Record<string, unknown>);
    return executeKw(ctx, user.uid, String(model), String(fn), positional, kwargs, plan);
  }
  throw new SimError('builtins.KeyError', service);
}

/** execute_kw after authentication; shared with /web/dataset/call_kw. */
export function executeKw(
  ctx: SimContext,
  uid: number,
  model: string,
  fn: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
  plan?: FaultPlan,
): unknown {
  const def = ctx.state.registry.get(model);
  if (!def) throw userError(`Object ${model} doesn't exist`);
  const method = resolveMethod(ctx.state, def, fn);
  if (!method) throw methodNotFound(model, fn);
  // Odoo's call_kw (odoo/service/model.py, 19.0) reads positional arguments by index:
  //   record methods:  `ids, args = args[0], args[1:]`
  //   create:          `result = result.id if isinstance(args[0], Mapping) else result.ids`
  // (the create runs first, then the IndexError rolls its transaction back in retrying()).
  // So over execute_kw/call_kw, ids and create's vals_list sent only as keywords end in
  // builtins.IndexError and nothing is written — the bug a real 19.0 server showed (issue 14;
  // CONTRACT.md "JSON-RPC execute_kw needs create's values positionally"). JSON-2 binds by name
  // instead and never reaches this path.
  if (args.length === 0 && (!method.model || fn === 'create'))
    throw new SimError('builtins.IndexError', 'list index out of range');
  const { context = {}, ...rest } = kwargs;
  const { ids, named } = bindPositional(method, fn, args, rest);
  const problem = checkNamedArgs(method, named);
  if (problem.missing)
    throw new SimError(
      'builtins.TypeError',
      `${fn}() missing 1 required positional argument: '${problem.missing}'`,
    );
  // Python refuses a keyword the method does not declare (`method(recs, *args, **kwargs)` in call_kw).
  if (problem.unexpected)
    throw new SimError(
      'builtins.TypeError',
      `${fn}() got an unexpected keyword argument '${problem.unexpected}'`,
    );
  ctx.stats.record(model, fn);
  if (plan?.serialization) throw serializationFailure();
  return runCall(ctx.state, method, {
    uid,
    model,
    method: fn,
    ids,
    named,
    context: context as Record<string, unknown>,
  });
}

export function webVersion(ctx: SimContext) {
  const v = ctx.state.version;
  return { version_info: [v, 0, 0, 'final', 0, ''], version: `${v}.0` };
}
