import { describe, expect, it } from 'vitest';
import { DomainError } from '@/server/errors';
import { availableEvents, canTransition, defineMachine, isEvent, isState, nextState } from './state-machine';

type S = 'open' | 'closed';
type E = 'close' | 'reopen';
const door = defineMachine<S, E>({
  name: 'door',
  states: ['open', 'closed'],
  events: ['close', 'reopen'],
  transitions: {
    close: { from: ['open'], to: 'closed', permission: 'project.read' },
    reopen: { from: ['closed'], to: 'open', permission: 'project.read' },
  },
});

describe('state machine', () => {
  it('moves and lists events', () => {
    expect(nextState(door, 'open', 'close')).toBe('closed');
    expect(availableEvents(door, 'closed')).toEqual(['reopen']);
  });

  it('refuses unknown states and events arriving as strings from the database', () => {
    expect(() => nextState(door, 'ajar' as S, 'close')).toThrow(DomainError);
    expect(() => nextState(door, 'open', 'slam' as E)).toThrow(/Cannot slam a door that is open\.$/);
    expect(canTransition(door, 'ajar' as S, 'close')).toBe(false);
    expect(isState(door, 'ajar')).toBe(false);
    expect(isEvent(door, 'close')).toBe(true);
  });

  it('names the states the event is allowed from', () => {
    expect(() => nextState(door, 'closed', 'close')).toThrow(
      'Cannot close a door that is closed. It is allowed from: open.',
    );
  });

  it('rejects a definition naming an unknown state or missing an event', () => {
    expect(() =>
      defineMachine<S, E>({
        ...door,
        transitions: {
          ...door.transitions,
          reopen: { from: ['ajar' as S], to: 'open', permission: 'project.read' },
        },
      }),
    ).toThrow(/unknown state/);
    expect(() => defineMachine<S, E>({ ...door, events: ['close'] })).toThrow(/disagree/);
  });
});
