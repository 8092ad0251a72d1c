import type { Permission } from '@/server/auth/permissions';
import { DomainError } from '@/server/errors';

/**
 * The generic part of every workflow (STYLE rule 3). A machine is plain data so one service can
 * drive all of them: look up the transition, check its permission and guards, compare-and-set.
 * `permission` is typed against the one permission table, so a typo fails to compile.
 */
export type Transition<S extends string> = {
  readonly from: readonly S[];
  readonly to: S;
  readonly permission: Permission;
  /** The actor must give a reason (a rejection the other side has to act on). */
  readonly requiresReason?: boolean;
};

export type MachineDef<S extends string, E extends string> = {
  /** Used in error messages: "Cannot approve a claim that is draft." */
  readonly name: string;
  readonly states: readonly S[];
  readonly events: readonly E[];
  readonly transitions: Readonly<Record<E, Transition<S>>>;
};

/** Checks a definition once, at module load, so a broken machine never reaches a request. */
export function defineMachine<S extends string, E extends string>(def: MachineDef<S, E>): MachineDef<S, E> {
  const events = Object.keys(def.transitions);
  if (events.length !== def.events.length || !def.events.every((e) => events.includes(e))) {
    throw new Error(`${def.name} machine: events and transitions disagree`);
  }
  for (const event of def.events) {
    const t = def.transitions[event];
    if (t.from.length === 0 || ![...t.from, t.to].every((s) => def.states.includes(s))) {
      throw new Error(`${def.name} machine: transition ${event} names an unknown state`);
    }
  }
  return def;
}

export function isState<S extends string, E extends string>(
  def: MachineDef<S, E>,
  value: unknown,
): value is S {
  return typeof value === 'string' && (def.states as readonly string[]).includes(value);
}

export function isEvent<S extends string, E extends string>(
  def: MachineDef<S, E>,
  value: unknown,
): value is E {
  return typeof value === 'string' && (def.events as readonly string[]).includes(value);
}

export function canTransition<S extends string, E extends string>(
  def: MachineDef<S, E>,
  from: S,
  event: E,
): boolean {
  // Runtime checks too: states and events arrive from the database and the wire as plain strings.
  return isEvent(def, event) && isState(def, from) && def.transitions[event].from.includes(from);
}

/** The state after `event`; INVALID_TRANSITION when the event is not allowed from `from`. */
export function nextState<S extends string, E extends string>(def: MachineDef<S, E>, from: S, event: E): S {
  if (!canTransition(def, from, event)) {
    const allowed = isEvent(def, event)
      ? ` It is allowed from: ${def.transitions[event].from.join(', ')}.`
      : '';
    throw new DomainError(
      'INVALID_TRANSITION',
      `Cannot ${String(event)} a ${def.name} that is ${String(from)}.${allowed}`,
      {
        machine: def.name,
        from,
        event,
      },
    );
  }
  return def.transitions[event].to;
}

/** Events allowed from `from`, in the definition's order (drives the buttons a record shows). */
export function availableEvents<S extends string, E extends string>(def: MachineDef<S, E>, from: S): E[] {
  return def.events.filter((event) => canTransition(def, from, event));
}

/** REASON_REQUIRED when the event needs a reason and none (or only blanks) was given. */
export function assertReasonGiven<S extends string, E extends string>(
  def: MachineDef<S, E>,
  event: E,
  reason: string | null | undefined,
): void {
  if (def.transitions[event].requiresReason && !reason?.trim()) {
    throw new DomainError('REASON_REQUIRED', `A reason is required to ${event} a ${def.name}.`, { event });
  }
}
