import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { appRouter } from '@/server/api/root';

type Procedure = { _def: { type: string; inputs: ZodType[] } };

function mutations(): [string, Procedure][] {
  const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;
  return Object.entries(procedures).filter(([, procedure]) => procedure._def.type === 'mutation');
}

describe('every mutation input', () => {
  it('has a zod schema', () => {
    const missing = mutations()
      .filter(([, procedure]) => procedure._def.inputs.length === 0)
      .map(([path]) => path);
    expect(mutations().length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it.each(mutations().map(([path, procedure]) => [path, procedure] as const))('%s refuses unknown keys', (_path, procedure) => {
    const schema = procedure._def.inputs[0]!;
    const result = schema.safeParse({ __unknownKey: 'x' });
    expect(result.success).toBe(false);
    const codes = result.error!.issues.map((issue) => issue.code);
    expect(codes).toContain('unrecognized_keys');
  });
});
