import { valueError } from './errors';
import { displayName, fieldsOf, readRaw } from './orm';
import type { RawRecord } from './schema';
import type { SimState } from './state';

/**
 * Odoo domains: a list of leaves `[field, operator, value]` and prefix operators '&', '|', '!',
 * with an implicit '&' between consecutive terms. Dotted paths follow many2one links; a leaf on
 * an x2many field matches when any linked id matches (negative operators: when none does).
 */
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; child: Node }
  | { kind: 'leaf'; path: string; op: string; value: unknown }
  | { kind: 'const'; value: boolean };

const operators = new Set([
  '=',
  '!=',
  '<>',
  'in',
  'not in',
  '<',
  '<=',
  '>',
  '>=',
  'like',
  'ilike',
  'not like',
  'not ilike',
  '=like',
  '=ilike',
  'child_of',
  'parent_of',
]);
const negative: Record<string, string> = {
  '!=': '=',
  '<>': '=',
  'not in': 'in',
  'not like': 'like',
  'not ilike': 'ilike',
};

export type Predicate = (rec: RawRecord) => boolean;

export function compileDomain(state: SimState, model: string, domain: unknown): Predicate {
  if (domain === undefined || domain === null || domain === false) return () => true;
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
  const tokens = [...domain];
  let position = 0;
  const parse = (): Node => {
    const token: unknown = tokens[position++];
    if (token === '&' || token === '|') {
      const left = parse();
      return { kind: token === '&' ? 'and' : 'or', left, right: parse() };
    }
    if (token === '!') return { kind: 'not', child: parse() };
    return parseLeaf(token);
  };
  const terms: Node[] = [];
  while (position < tokens.length) terms.push(parse());
  const root = terms.reduceRight<Node | undefined>(
    (acc, node) => (acc ? { kind: 'and', left: node, right: acc } : node),
    undefined,
  );
  if (!root) return () => true;
  for (const leaf of leaves(root)) checkPath(state, model, leaf.path, leaf);
  return (rec) => evaluate(state, model, root, rec);
}

function parseLeaf(token: unknown): Node {
  if (!Array.isArray(token) || token.length !== 3) {
    throw valueError(`Invalid leaf ${JSON.stringify(token)}`);
  }
  const [path, op, value] = token as [unknown, unknown, unknown];
  // TRUE_LEAF / FALSE_LEAF
  if (path === 1 && op === '=' && value === 1) return { kind: 'const', value: true };
  if (path === 0 && op === '=' && value === 1) return { kind: 'const', value: false };
  const operator = typeof op === 'string' ? op.toLowerCase() : '';
  if (typeof path !== 'string' || !operators.has(operator)) {
    throw valueError(`Invalid operator in condition (${pyRepr(path)}, ${pyRepr(op)}, ${pyRepr(value)})`);
  }
  return { kind: 'leaf', path, op: operator, value };
}

function pyRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function* leaves(node: Node): Generator<Extract<Node, { kind: 'leaf' }>> {
  if (node.kind === 'leaf') yield node;
  else if (node.kind === 'not') yield* leaves(node.child);
  else if (node.kind === 'and' || node.kind === 'or') {
    yield* leaves(node.left);
    yield* leaves(node.right);
  }
}

function checkPath(state: SimState, model: string, path: string, leaf: { op: string; value: unknown }) {
  let current = model;
  for (const part of path.split('.')) {
    const def = fieldsOf(state, current)[part];
    if (!def) {
      throw valueError(
        `Invalid field ${current}.${part} in condition ('${path}', '${leaf.op}', ${pyRepr(leaf.value)})`,
      );
    }
    current = def.comodel ?? current;
  }
}

function evaluate(state: SimState, model: string, node: Node, rec: RawRecord): boolean {
  switch (node.kind) {
    case 'const':
      return node.value;
    case 'and':
      return evaluate(state, model, node.left, rec) && evaluate(state, model, node.right, rec);
    case 'or':
      return evaluate(state, model, node.left, rec) || evaluate(state, model, node.right, rec);
    case 'not':
      return !evaluate(state, model, node.child, rec);
    case 'leaf': {
      const positive = negative[node.op];
      if (positive) return !matchLeaf(state, model, rec, node.path, positive, node.value);
      return matchLeaf(state, model, rec, node.path, node.op, node.value);
    }
  }
}

function matchLeaf(
  state: SimState,
  model: string,
  rec: RawRecord,
  path: string,
  op: string,
  expected: unknown,
): boolean {
  const [head, ...rest] = path.split('.');
  const def = fieldsOf(state, model)[head ?? ''];
  if (!def || head === undefined) return false;
  const raw = readRaw(state, model, rec, head);
  if (rest.length > 0 && def.comodel) {
    const ids = Array.isArray(raw) ? (raw as number[]) : typeof raw === 'number' ? [raw] : [];
    const targets = ids.map((id) => state.get(def.comodel ?? '', id)).filter((r) => r !== undefined);
    if (targets.length === 0) return matchValue(state, def.comodel, false, op, expected);
    return targets.some((target) =>
      matchLeaf(state, def.comodel ?? '', target, rest.join('.'), op, expected),
    );
  }
  if (op === 'child_of' || op === 'parent_of') {
    return matchHierarchy(state, def.comodel ?? model, head === 'id' ? rec.id : raw, op, expected);
  }
  if (Array.isArray(raw) && (def.type === 'many2many' || def.type === 'one2many')) {
    if (raw.length === 0) return matchValue(state, def.comodel, false, op, expected);
    return raw.some((id) => matchValue(state, def.comodel, id, op, expected));
  }
  return matchValue(state, def.type === 'many2one' ? def.comodel : undefined, raw, op, expected);
}

function matchValue(
  state: SimState,
  comodel: string | undefined,
  raw: unknown,
  op: string,
  expected: unknown,
): boolean {
  // A string compared with a relational value is compared with the linked record's name.
  const actual =
    comodel && typeof raw === 'number' && typeof expected === 'string'
      ? displayName(state, comodel, raw)
      : raw;
  const empty = actual === false || actual === null || actual === undefined || actual === '';
  switch (op) {
    case '=':
      if (expected === false || expected === null) return empty;
      return actual === expected;
    case 'in': {
      const list = Array.isArray(expected) ? expected : [expected];
      return list.some((item) => (item === false || item === null ? empty : item === actual));
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return !empty && compare(actual, expected, op);
    case 'like':
    case 'ilike':
    case '=like':
    case '=ilike':
      return likeMatch(empty ? '' : String(actual), expected, op);
    default:
      return false;
  }
}

function compare(actual: unknown, expected: unknown, op: string): boolean {
  const a = actual as number | string;
  const b = expected as number | string;
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

function likeMatch(actual: string, expected: unknown, op: string): boolean {
  if (expected === false || expected === null) return actual === '';
  const pattern = String(expected);
  const insensitive = op === 'ilike' || op === '=ilike';
  if (op === 'like' || op === 'ilike') {
    // Odoo wraps the value in % and keeps the user's own wildcards.
    return toRegExp(`%${pattern}%`, insensitive).test(actual);
  }
  return toRegExp(pattern, insensitive).test(actual);
}

function toRegExp(pattern: string, insensitive: boolean): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, insensitive ? 'is' : 's');
}

function matchHierarchy(state: SimState, model: string, raw: unknown, op: string, expected: unknown) {
  const roots = (Array.isArray(expected) ? expected : [expected]).filter(
    (v): v is number => typeof v === 'number',
  );
  if (typeof raw !== 'number') return false;
  const parentField = 'parent_id' in fieldsOf(state, model) ? 'parent_id' : undefined;
  const chain = (start: number): number[] => {
    const out: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && !out.includes(current)) {
      out.push(current);
      const parent: unknown = parentField ? state.get(model, current)?.[parentField] : undefined;
      current = typeof parent === 'number' ? parent : undefined;
    }
    return out;
  };
  if (op === 'child_of') return chain(raw).some((id) => roots.includes(id));
  return roots.some((root) => chain(root).includes(raw));
}

/** `"date desc, id"` → comparator; unknown fields are refused as Odoo does. */
export function compileOrder(state: SimState, model: string, order: string | undefined) {
  const spec = (order ?? 'id')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name = 'id', dir = 'asc'] = part.split(/\s+/);
      if (!fieldsOf(state, model)[name]) throw valueError(`Invalid "order" specified (${order})`);
      return { name, desc: dir.toLowerCase() === 'desc' };
    });
  return (a: RawRecord, b: RawRecord): number => {
    for (const { name, desc } of spec) {
      const va = sortKey(readRaw(state, model, a, name));
      const vb = sortKey(readRaw(state, model, b, name));
      if (va < vb) return desc ? 1 : -1;
      if (va > vb) return desc ? -1 : 1;
    }
    return a.id - b.id;
  };
}

function sortKey(value: unknown): number | string {
  if (value === false || value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}
