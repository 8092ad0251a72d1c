import type { CallStats } from '../dispatch';
import type { FaultInjector } from '../faults';
import type { SimState } from '../state';

export interface SimRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface SimReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Destroy the socket instead of answering (after the work is done, if any). */
  drop?: boolean;
}

export interface SimContext {
  state: SimState;
  faults: FaultInjector;
  stats: CallStats;
  /** Browser sessions (cookie → uid) for /web routes. */
  sessions: Map<string, number>;
}

export interface FaultPlan {
  reply?: SimReply;
  dropBefore: boolean;
  dropAfter: boolean;
  expiredKey: boolean;
  serialization: boolean;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): SimReply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    // JSON-2 answers `null` for methods that return None.
    body: JSON.stringify(value === undefined ? null : value),
  };
}

export function htmlReply(status: number, text: string, headers: Record<string, string> = {}): SimReply {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: text };
}

const gatewayPages: Record<string, [number, string, Record<string, string>]> = {
  http500: [500, '<html><body><h1>500 Internal Server Error</h1></body></html>', {}],
  http502: [502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {}],
  http503: [503, '<html><body><h1>503 Service Unavailable</h1></body></html>', { 'Retry-After': '1' }],
  http429: [429, '<html><body><h1>429 Too Many Requests</h1></body></html>', { 'Retry-After': '1' }],
};

/** Applies the armed faults for one request: delays now, the rest as a plan for the transport. */
export async function planFaults(
  ctx: SimContext,
  target: { model?: string; method?: string },
): Promise<FaultPlan> {
  const plan: FaultPlan = { dropBefore: false, dropAfter: false, expiredKey: false, serialization: false };
  for (const hit of ctx.faults.take(target)) {
    if (hit.kind === 'delay') await sleep(hit.delayMs);
    else if (hit.kind === 'drop_before') plan.dropBefore = true;
    else if (hit.kind === 'drop_after_commit') plan.dropAfter = true;
    else if (hit.kind === 'expired_key') plan.expiredKey = true;
    else if (hit.kind === 'serialization') plan.serialization = true;
    else {
      const page = gatewayPages[hit.kind];
      // These come from a proxy in front of Odoo, so the body is HTML, not an Odoo error.
      if (page) plan.reply ??= htmlReply(page[0], page[1], page[2]);
    }
  }
  if (plan.dropBefore) plan.reply = { status: 0, headers: {}, body: '', drop: true };
  return plan;
}
