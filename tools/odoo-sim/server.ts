import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_COMPANY } from './demo-data';
import { CallStats } from './dispatch';
import { FaultInjector } from './faults';
import { registerPayment } from './models/account-move';
import type { OdooVersion } from './schema';
import { seedBase, SIM_USERS } from './seed-base';
import { seedDemo, type DemoSeedIds } from './seed-demo';
import { requestCost, SimState } from './state';
import { htmlReply, sleep, type SimContext, type SimReply, type SimRequest } from './transports/common';
import { handleJson2 } from './transports/json2';
import { handleJsonRpc } from './transports/json-rpc';
import { handleWeb } from './transports/web';

export interface OdooSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  version?: OdooVersion;
  apiKey: string;
  db: string;
  login: string;
  password: string;
  seed?: 'demo' | 'empty';
  /** Keep the database in this JSON file so a restarted demo finds its records again. */
  persistFile?: string;
  /** Added to every request, to emulate a remote Odoo (benchmarks use a few ms). */
  latencyMs?: number;
  /** Cost of an order recompute per line already on it (see SimState.orderLineCostMs). Default 0. */
  orderLineCostMs?: number;
  /** Language of the database: translated seed names (chatter subtypes) follow it. Default en_US. */
  lang?: 'en_US' | 'de_DE';
}

export interface SimUserCredentials {
  uid: number;
  login: string;
  password: string;
  apiKey: string;
}

export interface OdooSim {
  url: string;
  port: number;
  db: string;
  apiKey: string;
  login: string;
  password: string;
  version: OdooVersion;
  state: SimState;
  faults: FaultInjector;
  stats: CallStats;
  /** Admin, an internal user with restricted rights and a portal user (for access-error tests). */
  users: { admin: SimUserCredentials; demo: SimUserCredentials; portal: SimUserCredentials };
  /** Ids of the demo records when this start seeded them (undefined for 'empty' or a restored file). */
  demo: DemoSeedIds | undefined;
  latencyMs: number;
  /** Calls served per model/method (both transports). */
  callCount(model?: string, method?: string): number;
  /** Records a payment on a posted move (Odoo does this through its payment wizard). */
  registerPayment(moveId: number, amount?: number): void;
  stop(): Promise<void>;
}

export async function startOdooSim(options: OdooSimOptions): Promise<OdooSim> {
  const version = options.version ?? 19;
  const seed = options.seed ?? 'demo';
  const state = new SimState(version, options.db);
  const restored = options.persistFile ? state.loadFrom(options.persistFile) : false;
  let demo: DemoSeedIds | undefined;
  if (!restored) {
    seedBase(state, {
      companyName: seed === 'demo' ? DEMO_COMPANY.name : 'My Company',
      currency: seed === 'demo' ? DEMO_COMPANY.currency : 'USD',
      taxRate: seed === 'demo' ? DEMO_COMPANY.vatRate : 15,
      taxName: seed === 'demo' ? `${DEMO_COMPANY.vatRate}% VAT` : '15%',
      login: options.login,
      password: options.password,
      apiKey: options.apiKey,
      lang: options.lang,
    });
    if (seed === 'demo') demo = seedDemo(state);
  }
  state.orderLineCostMs = options.orderLineCostMs ?? 0;
  const persistFile = options.persistFile;
  if (persistFile) {
    state.onCommit = () => state.saveTo(persistFile);
    if (!restored) state.saveTo(persistFile);
  }

  const ctx: SimContext = { state, faults: new FaultInjector(), stats: new CallStats(), sessions: new Map() };
  const sim = { latencyMs: options.latencyMs ?? 0 };

  const server = createServer((req, res) => {
    void serve(ctx, sim, req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const credentials = (user: { uid: number; login: string; password: string }, apiKey: string) => ({
    ...user,
    apiKey,
  });

  return Object.assign(sim, {
    url: `http://${host}:${address.port}`,
    port: address.port,
    db: options.db,
    apiKey: options.apiKey,
    login: options.login,
    password: options.password,
    version,
    state,
    faults: ctx.faults,
    stats: ctx.stats,
    demo,
    users: {
      admin: credentials(
        { uid: SIM_USERS.admin.uid, login: options.login, password: options.password },
        options.apiKey,
      ),
      demo: credentials(SIM_USERS.demo, `${options.apiKey}-demo`),
      portal: credentials(SIM_USERS.portal, `${options.apiKey}-portal`),
    },
    callCount: (model?: string, method?: string) => ctx.stats.count(model, method),
    registerPayment: (moveId: number, amount?: number) => registerPayment(state, moveId, amount),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * A simulator control, not an Odoo behaviour: the e2e journeys (and a demo) pay a posted bill as
 * finance would through Odoo's payment wizard, which the simulator does not model. Needs one of the
 * simulator's API keys as the bearer; answers 404 to anything else, like an unknown route.
 */
function simPayment(ctx: SimContext, request: SimRequest): SimReply {
  const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  const uid = bearer ? ctx.state.uidForApiKey((bearer[1] ?? '').trim()) : undefined;
  const notFound = { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not Found' };
  if (uid === undefined) return notFound;
  try {
    const { moveId, amount } = JSON.parse(request.body) as { moveId: number; amount?: number };
    registerPayment(ctx.state, Number(moveId), amount === undefined ? undefined : Number(amount));
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' };
  } catch (error) {
    return {
      status: 400,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
    };
  }
}

async function serve(ctx: SimContext, sim: { latencyMs: number }, req: IncomingMessage, res: ServerResponse) {
  ctx.stats.inFlight += 1;
  ctx.stats.peakInFlight = Math.max(ctx.stats.peakInFlight, ctx.stats.inFlight);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (sim.latencyMs > 0) await sleep(sim.latencyMs);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const request: SimRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const cost = { ms: 0, orders: new Set<string>() };
    const reply = await requestCost.run(cost, () => route(ctx, request));
    if (cost.ms > 0) await sleep(cost.ms);
    if (reply.drop) {
      // The worker died or the proxy cut the line: the client gets no answer at all.
      req.socket.destroy();
      return;
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  } catch (error) {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(`simulator failure: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    ctx.stats.inFlight -= 1;
  }
}

async function route(ctx: SimContext, request: SimRequest): Promise<SimReply> {
  if (request.path === '/__sim/register-payment' && request.method === 'POST')
    return simPayment(ctx, request);
  if (request.path === '/jsonrpc' && request.method === 'POST') return handleJsonRpc(ctx, request);
  if (request.path === '/json/2' || request.path.startsWith('/json/2/')) return handleJson2(ctx, request);
  const web = await handleWeb(ctx, request);
  return web ?? htmlReply(404, '<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n');
}
