import { expect, it } from 'vitest';
import { DomainError } from '@/server/errors';
import { availableEvents, nextState, type MachineDef } from './state-machine';

/** One allowed move, written out by hand in each machine's test, independent of the definition. */
export type ExpectedTransition<S extends string, E extends string> = readonly [
  from: S,
  event: E,
  to: S,
  permission: string,
];

/**
 * Registers tests (call inside a describe) that walk every expected transition and prove every
 * other (state, event) pair throws INVALID_TRANSITION. Shared so the three machines are held to
 * exactly the same standard.
 */
export function walkMachine<S extends string, E extends string>(
  def: MachineDef<S, E>,
  expected: readonly ExpectedTransition<S, E>[],
): void {
  const isExpected = (from: S, event: E) => expected.some(([f, e]) => f === from && e === event);
  const refused = def.states.flatMap((from) =>
    def.events.filter((event) => !isExpected(from, event)).map((event) => [from, event] as const),
  );

  it.each(expected.map((row) => [...row]))('%s --%s--> %s needs %s', (from, event, to, permission) => {
    expect(nextState(def, from, event)).toBe(to);
    expect(def.transitions[event].permission).toBe(permission);
  });

  it.each(refused.map((pair) => [...pair]))('refuses %s from %s', (from, event) => {
    let caught: unknown;
    try {
      nextState(def, from, event);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('INVALID_TRANSITION');
    expect((caught as DomainError).message).toContain(`Cannot ${event} a ${def.name} that is ${from}`);
  });

  it.each(def.states.map((s) => [s]))('availableEvents(%s) lists exactly the allowed events', (state) => {
    const allowed = expected.filter(([from]) => from === state).map(([, event]) => event);
    expect([...availableEvents(def, state)].sort()).toEqual([...allowed].sort());
  });

  it('has no transition beyond the expected table', () => {
    const defined = def.events.flatMap((event) =>
      def.transitions[event].from.map((from) => `${from}:${event}`),
    );
    expect(defined.sort()).toEqual(expected.map(([from, event]) => `${from}:${event}`).sort());
  });
}
