import { describe, expect, it } from 'vitest';
import { z, type ZodType } from 'zod';
import { appRouter } from '@/server/api/root';
import { listProcedures, procedureSamples } from '@/server/testing/procedure-samples';
import { fakeSecurityWorld } from '@/server/testing/security-world';

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

  it.each(mutations().map(([path, procedure]) => [path, procedure] as const))(
    '%s refuses unknown keys',
    (_path, procedure) => {
      const schema = procedure._def.inputs[0]!;
      const result = schema.safeParse({ __unknownKey: 'x' });
      expect(result.success).toBe(false);
      const codes = result.error!.issues.map((issue) => issue.code);
      expect(codes).toContain('unrecognized_keys');
    },
  );
});

/**
 * Probes derived from each mutation's own schema (DOMAIN §1, STYLE rule 6), starting from its valid
 * sample in server/testing/procedure-samples.ts and changing one field at a time: every string is
 * bounded, every decimal string refuses exponent notation, over-precision, overflow and (unless listed
 * below, with the reason) a sign, and every nested object refuses unknown keys — each with a message
 * a person can act on, at the field's path.
 */
type JsonSchema = {
  type?: string;
  pattern?: string;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};
type Leaf = { path: (string | number)[]; value: unknown };

/** Signed decimals, where a minus carries meaning: a change order may reduce cost and sell (an omission), and an internal CO's lines net to zero. */
const SIGNED_DECIMALS: Record<string, string[]> = {
  'changeOrders.create': ['lines.quantity', 'lines.unitCost', 'lines.sellAmount'],
  'changeOrders.update': ['lines.quantity', 'lines.unitCost', 'lines.sellAmount'],
};

function leavesOf(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leavesOf(item, [...path, index]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, inner]) => leavesOf(inner, [...path, key]));
  return [{ path, value }];
}

function objectsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => objectsOf(item, [...path, index]));
  if (value && typeof value === 'object')
    return [path, ...Object.entries(value).flatMap(([key, inner]) => objectsOf(inner, [...path, key]))];
  return [];
}

function schemaAt(schema: JsonSchema, path: (string | number)[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const step of path) {
    node = node?.anyOf?.find((s) => s.type !== 'null') ?? node;
    node = typeof step === 'number' ? node?.items : node?.properties?.[step];
  }
  return node?.anyOf?.find((s) => s.type !== 'null') ?? node;
}

function withValue(input: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

const dotted = (path: (string | number)[]) => path.filter((p) => typeof p === 'string').join('.');

describe('every mutation input, probed field by field from its schema', () => {
  const world = fakeSecurityWorld();
  const probed = listProcedures().filter((p) => p.type === 'mutation' && p.input && procedureSamples[p.path]);

  it.each(probed.map((p) => [p.path, p] as const))('%s', (path, { input }) => {
    const schema = input!;
    const base = procedureSamples[path]!.input(world);
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const failures: string[] = [];
    const refusal = (value: unknown, at: (string | number)[], what: string): string | undefined => {
      const result = schema.safeParse(value);
      if (result.success) {
        failures.push(`${dotted(at) || '(root)'}: accepted ${what}`);
        return undefined;
      }
      const issue =
        result.error.issues.find((i) => i.path.join('.') === at.join('.')) ?? result.error.issues[0]!;
      return issue.message;
    };

    for (const { path: at, value } of leavesOf(base)) {
      if (typeof value !== 'string') continue;
      const field = schemaAt(json, at);
      // oversize: every string has a bound, and says what it is
      const tooLong = refusal(
        withValue(base, at, value + 'a'.repeat(100_000)),
        at,
        'a 100,000-character string',
      );
      if (tooLong !== undefined && /^Invalid (string|input)/.test(tooLong))
        failures.push(`${dotted(at)}: unclear message for an oversize string: "${tooLong}"`);
      if (!/^-?\d+(\.\d+)?$/.test(value)) continue;
      // a decimal string (money, quantity, rate, percentage)
      const twoDecimals =
        /\\d\{1,2\}\)\?\$/.test(field?.pattern ?? '') && !/\\d\{1,4\}/.test(field?.pattern ?? '');
      const probes: [string, string][] = [
        ['1e5', 'exponent notation'],
        ['0.123456789', 'nine decimals'],
        ['9999999999999.00', 'thirteen integer digits (over numeric(14,2))'],
        ['NaN', 'NaN'],
        ['', 'an empty amount'],
        ...(twoDecimals ? ([['1.001', 'money with three decimals']] as [string, string][]) : []),
      ];
      const signed = (SIGNED_DECIMALS[path] ?? []).includes(dotted(at));
      if (!signed) probes.push(['-1.00', 'a negative amount']);
      else if (schema.safeParse(withValue(base, at, '-1.00')).success !== true)
        failures.push(`${dotted(at)}: listed as signed but refuses -1.00`);
      for (const [probe, what] of probes) {
        const message = refusal(withValue(base, at, probe), at, what);
        if (message !== undefined && /^Invalid (string|input)/.test(message))
          failures.push(`${dotted(at)}: zod's default message for ${what}: "${message}"`);
      }
    }
    for (const at of objectsOf(base)) {
      const target = at.reduce<unknown>(
        (node, step) => (node as Record<string | number, unknown>)[step],
        base,
      ) as Record<string, unknown>;
      const result = schema.safeParse(
        at.length === 0
          ? { ...target, __unknownKey: 1 }
          : withValue(base, at, { ...target, __unknownKey: 1 }),
      );
      if (result.success || !result.error.issues.some((i) => i.code === 'unrecognized_keys'))
        failures.push(`${dotted(at) || '(root)'}: accepted an unknown key`);
    }
    expect(failures).toEqual([]);
  });

  it('probes every mutation (a mutation without a sample is listed by procedure-samples.test.ts)', () => {
    expect(probed.length).toBe(mutations().length);
  });
});
