import { randomBytes } from 'node:crypto';
import { accessDenied, SimError } from '../errors';
import { htmlReply, jsonReply, planFaults, type SimContext, type SimReply, type SimRequest } from './common';
import { executeKw, parseJson, rpcError, rpcResult, webVersion } from './json-rpc';

/**
 * The browser routes the captures touch: session login, `/web/dataset/call_kw` with a session
 * cookie (used to mint API keys), and the version endpoints. Enough for a demo to obtain a key
 * the way a person would; not a web client.
 */
export async function handleWeb(ctx: SimContext, request: SimRequest): Promise<SimReply | undefined> {
  const { path } = request;
  if (path === '/json/version' && ctx.state.version >= 19) return jsonReply(200, webVersion(ctx));
  if (path === '/web/version' && request.method === 'GET') return jsonReply(200, webVersion(ctx));
  if (request.method !== 'POST') return undefined;
  if (
    path !== '/web/version' &&
    path !== '/web/session/authenticate' &&
    !path.startsWith('/web/dataset/call_kw')
  ) {
    return undefined;
  }
  const parsed = parseJson(request.body);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null)
    return htmlReply(400, 'Invalid JSON data');
  const envelope = parsed.value as { id?: string | number | null; params?: Record<string, unknown> };
  const id = envelope.id ?? null;
  const params = envelope.params ?? {};
  if (path === '/web/version') return rpcResult(id, webVersion(ctx));
  if (path === '/web/session/authenticate') return authenticate(ctx, id, params);

  const sessionId = /(?:^|;\s*)session_id=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  const uid = sessionId ? ctx.sessions.get(sessionId) : undefined;
  if (uid === undefined) {
    // Odoo answers this one with id null and code 100.
    const error = new SimError('odoo.http.SessionExpiredException', 'Session expired');
    const reply = rpcError(ctx, null, error);
    const body = JSON.parse(reply.body) as { error: { code: number; message: string } };
    body.error.code = 100;
    body.error.message = 'Odoo Session Expired';
    return { ...reply, body: JSON.stringify(body) };
  }
  const model = String(params.model);
  const method = String(params.method);
  const plan = await planFaults(ctx, { model, method });
  if (plan.reply) return plan.reply;
  try {
    const args = Array.isArray(params.args) ? params.args : [];
    const kwargs = (params.kwargs ?? {}) as Record<string, unknown>;
    return { ...rpcResult(id, executeKw(ctx, uid, model, method, args, kwargs, plan)), drop: plan.dropAfter };
  } catch (error) {
    return { ...rpcError(ctx, id, error), drop: plan.dropAfter };
  }
}

function authenticate(
  ctx: SimContext,
  id: string | number | null,
  params: Record<string, unknown>,
): SimReply {
  const { state } = ctx;
  const uid =
    params.db === state.db ? state.checkCredentials(String(params.login), String(params.password)) : false;
  if (uid === false) return rpcError(ctx, id, accessDenied());
  const user = state.userById(uid);
  const userRow = state.get('res.users', uid);
  const partner =
    typeof userRow?.partner_id === 'number' ? state.get('res.partner', userRow.partner_id) : undefined;
  const session = randomBytes(20).toString('hex');
  ctx.sessions.set(session, uid);
  const v = state.version;
  const result = {
    uid,
    is_system: user?.role === 'admin',
    is_admin: user?.role === 'admin',
    is_public: false,
    is_internal_user: user?.role !== 'portal',
    user_context: { lang: 'en_US', tz: 'Europe/London', uid },
    db: state.db,
    server_version: `${v}.0`,
    server_version_info: [v, 0, 0, 'final', 0, ''],
    name: partner?.name ?? user?.login,
    username: user?.login,
    partner_id: userRow?.partner_id ?? false,
  };
  return {
    ...rpcResult(id, result),
    headers: { ...rpcResult(id, result).headers, 'Set-Cookie': `session_id=${session}; HttpOnly; Path=/` },
  };
}
