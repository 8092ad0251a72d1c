import { checkNamedArgs, methodNotFound, normaliseIds, resolveMethod, runCall } from '../dispatch';
import { serializationFailure, serializeError, toSimError, werkzeugError } from '../errors';
import { htmlReply, jsonReply, planFaults, type SimContext, type SimReply, type SimRequest } from './common';
import { parseJson } from './json-rpc';

const ROUTE = /^\/json\/2\/([^/]+)\/([^/]+)\/?$/;
const NO_DB_PAGE =
  '<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n' +
  '<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n';

function errorReply(error: unknown): SimReply {
  const simError = toSimError(error);
  const headers: Record<string, string> =
    simError.httpStatus === 401 ? { 'WWW-Authenticate': 'Bearer ' } : {};
  return jsonReply(simError.httpStatus, serializeError(simError), headers);
}

/** `POST /json/2/<model>/<method>` (19.0+): bearer key, named arguments, real HTTP statuses. */
export async function handleJson2(ctx: SimContext, request: SimRequest): Promise<SimReply> {
  const { state } = ctx;
  const database = request.headers['x-odoo-database'];
  if (state.version < 19 || (database !== undefined && database !== state.db))
    return htmlReply(404, NO_DB_PAGE);
  const route = ROUTE.exec(request.path);
  if (request.method !== 'POST' || !route) {
    return errorReply(werkzeugError(404, 'Did you mean POST /json/2/<model>/<method>?'));
  }
  const model = decodeURIComponent(route[1] ?? '');
  const fn = decodeURIComponent(route[2] ?? '');
  const plan = await planFaults(ctx, { model, method: fn });
  if (plan.reply) return plan.reply;
  const reply = (() => {
    try {
      return jsonReply(200, execute(ctx, request, model, fn, plan.expiredKey, plan.serialization));
    } catch (error) {
      return errorReply(error);
    }
  })();
  return { ...reply, drop: plan.dropAfter };
}

function execute(
  ctx: SimContext,
  request: SimRequest,
  model: string,
  fn: string,
  expiredKey: boolean,
  serialization: boolean,
): unknown {
  const { state } = ctx;
  const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (!bearer)
    throw werkzeugError(401, 'User not authenticated, use an API Key with a Bearer Authorization header.');
  const uid = expiredKey ? undefined : state.uidForApiKey((bearer[1] ?? '').trim());
  if (uid === undefined) throw werkzeugError(401, 'Invalid apikey');
  const parsed = parseJson(request.body);
  if (!parsed.ok) throw werkzeugError(400, `could not parse the body as json: ${parsed.error}`);
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    throw werkzeugError(400, 'could not parse the body as json: expected an object');
  }
  const def = state.registry.get(model);
  if (!def) throw werkzeugError(404, `the model '${model}' does not exist`);
  const method = resolveMethod(ctx.state, def, fn);
  if (!method) {
    const error = methodNotFound(model, fn);
    throw werkzeugError(404, error.message);
  }
  const { ids: rawIds, context = {}, ...named } = parsed.value as Record<string, unknown>;
  const ids = normaliseIds(rawIds);
  if (method.model && ids.length > 0) throw werkzeugError(422, `cannot call ${model}.${fn} with ids`);
  const problem = checkNamedArgs(method, named);
  if (problem.missing) throw werkzeugError(422, `missing a required argument: '${problem.missing}'`);
  if (problem.unexpected)
    throw werkzeugError(422, `got an unexpected keyword argument '${problem.unexpected}'`);
  ctx.stats.record(model, fn);
  if (serialization) throw serializationFailure();
  const result = runCall(state, method, {
    uid,
    model,
    method: fn,
    ids,
    named,
    context: context as Record<string, unknown>,
  });
  // JSON-2 answers a recordset's ids: create is always a list.
  return fn === 'create' && typeof result === 'number' ? [result] : result;
}
