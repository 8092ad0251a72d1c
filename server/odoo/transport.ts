import { classifyOdooFailure, createOdooError, redactSecrets, type OdooError } from './errors';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpSettings {
  baseUrl: string;
  fetchImpl: FetchLike;
  timeoutMs: number;
  secrets: readonly (string | undefined)[];
  userAgent: string;
}

export interface CallTarget {
  model?: string;
  method?: string;
}

/** Connection failures that happen before any byte of the request reached Odoo. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkError(
  error: unknown,
  settings: HttpSettings,
  target: CallTarget,
  timedOut: boolean,
): OdooError {
  const code = causeCode(error);
  if (!timedOut && code && CONNECT_CODES.has(code)) {
    return createOdooError('transient', {
      odooName: `plumbline.ConnectionFailed`,
      message: `Could not connect to Odoo (${code})`,
      ...target,
      cause: code,
    });
  }
  // The request was (or may have been) sent: whether Odoo committed it is unknown.
  const message = timedOut
    ? `No answer from Odoo within ${settings.timeoutMs} ms`
    : `Connection to Odoo dropped before an answer (${code ?? 'closed'})`;
  return createOdooError('ambiguous', {
    odooName: timedOut ? 'plumbline.Timeout' : 'plumbline.ConnectionDropped',
    message,
    ...target,
  });
}

export interface HttpReply {
  status: number;
  text: string;
}

/** One HTTP exchange with a hard timeout; network failures become transient or ambiguous errors. */
export async function send(
  settings: HttpSettings,
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
  target: CallTarget,
): Promise<HttpReply> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  try {
    const response = await settings.fetchImpl(`${settings.baseUrl}${path}`, {
      method: init.method,
      headers: { 'User-Agent': settings.userAgent, ...init.headers },
      body: init.body,
      signal: controller.signal,
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw networkError(error, settings, target, timedOut);
  } finally {
    clearTimeout(timer);
  }
}

interface OdooErrorBody {
  name?: unknown;
  message?: unknown;
}

/** Builds the typed error from Odoo's `{name, message, …}` (the `debug` traceback is dropped here). */
export function odooFailure(
  settings: HttpSettings,
  data: OdooErrorBody | string | undefined,
  httpStatus: number | undefined,
  target: CallTarget,
): OdooError {
  // Pre-release 19.0 builds answered JSON-2 errors with a bare string.
  const odooName = typeof data === 'object' && typeof data.name === 'string' ? data.name : undefined;
  const rawMessage =
    typeof data === 'string'
      ? data
      : typeof data?.message === 'string'
        ? data.message
        : `Odoo answered HTTP ${httpStatus ?? '?'}`;
  const message = redactSecrets(rawMessage, settings.secrets).slice(0, 2000);
  const kind = classifyOdooFailure({ httpStatus, odooName, message });
  return createOdooError(kind, {
    odooName: odooName ?? (httpStatus ? `http.${httpStatus}` : 'plumbline.UnknownFailure'),
    message,
    httpStatus,
    ...target,
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

let rpcId = 0;

/** JSON-RPC `/jsonrpc`: always HTTP 200; errors in `error.data`. */
export async function jsonRpc(
  settings: HttpSettings,
  service: string,
  method: string,
  args: unknown[],
  target: CallTarget = {},
): Promise<unknown> {
  rpcId += 1;
  const body = JSON.stringify({
    jsonrpc: '2.0',
    method: 'call',
    id: rpcId,
    params: { service, method, args },
  });
  const reply = await send(
    settings,
    '/jsonrpc',
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body },
    target,
  );
  const json = parse(reply.text) as
    { result?: unknown; error?: { data?: OdooErrorBody; message?: string } } | undefined;
  if (reply.status !== 200 || !json || typeof json !== 'object') {
    throw odooFailure(settings, undefined, reply.status === 200 ? 502 : reply.status, target);
  }
  if (json.error) throw odooFailure(settings, json.error.data ?? json.error.message, undefined, target);
  // `result` is absent when the Odoo method returned None.
  return json.result ?? null;
}

/** JSON-2 `POST /json/2/<model>/<method>` with named arguments. */
export async function json2(
  settings: HttpSettings & { apiKey: string; db: string },
  model: string,
  method: string,
  body: Record<string, unknown>,
): Promise<unknown> {
  const target = { model, method };
  const reply = await send(
    settings,
    `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        Authorization: `bearer ${settings.apiKey}`,
        'X-Odoo-Database': settings.db,
      },
      body: JSON.stringify(body),
    },
    target,
  );
  const json = parse(reply.text);
  if (reply.status === 200) {
    if (json === undefined) throw odooFailure(settings, undefined, 502, target);
    return json;
  }
  throw odooFailure(
    settings,
    (json ?? undefined) as OdooErrorBody | string | undefined,
    reply.status,
    target,
  );
}
