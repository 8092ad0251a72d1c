import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Heap snapshots of the stack's processes for bench:soak. The web server and the worker run with
 * `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>` (StackOptions.nodeArgs); SIGUSR2 makes
 * Node write `Heap.<date>.<time>.<pid>.<thread>.<seq>.heapsnapshot` there (the process pauses while
 * it writes). `summariseHeapSnapshot` counts objects and self size per constructor (or per node type
 * for strings, code, arrays…), and `heapGrowth` lists what grew between two summaries.
 */
export function heapSnapshotArgs(dir: string): string[] {
  return ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals `pid` and waits (up to `timeoutMs`) for its snapshot to be complete; returns the file. */
export async function takeHeapSnapshot(pid: number, dir: string, timeoutMs = 180_000): Promise<string> {
  const mine = () =>
    existsSync(dir)
      ? readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && f.split('.')[3] === String(pid))
      : [];
  const before = new Set(mine());
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  let stableFor = 0;
  while (Date.now() < deadline) {
    await sleep(1_000);
    const fresh = mine().find((f) => !before.has(f));
    if (!fresh) continue;
    const file = path.join(dir, fresh);
    const size = statSync(file).size;
    stableFor = size === lastSize && size > 0 ? stableFor + 1 : 0;
    lastSize = size;
    if (stableFor >= 2 && readFileSync(file, 'utf8').trimEnd().endsWith('}')) return file;
  }
  throw new Error(`no complete heap snapshot from ${pid} within ${timeoutMs} ms`);
}

export type HeapSummary = {
  totalMb: number;
  nodes: number;
  byKind: Record<string, { count: number; bytes: number }>;
};

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
};

/** Objects by constructor name ("Object", "Map", "PgClient"…) and the rest by node type ("(string)"). */
export function summariseHeapSnapshot(file: string): HeapSummary {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byKind: HeapSummary['byKind'] = {};
  let total = 0;
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt]!] ?? 'unknown';
    const size = data.nodes[i + sizeAt]!;
    const name = data.strings[data.nodes[i + nameAt]!] ?? '';
    const key =
      type === 'object' || type === 'closure'
        ? `${type === 'closure' ? 'closure ' : ''}${name.slice(0, 80) || '(anonymous)'}`
        : `(${type})`;
    const entry = (byKind[key] ??= { count: 0, bytes: 0 });
    entry.count += 1;
    entry.bytes += size;
    total += size;
  }
  return { totalMb: Math.round((total / 2 ** 20) * 10) / 10, nodes: data.nodes.length / width, byKind };
}

export type HeapGrowth = { kind: string; countDelta: number; kbDelta: number; countAfter: number }[];

/** The kinds whose self size grew most from `before` to `after` (largest first). */
export function heapGrowth(before: HeapSummary, after: HeapSummary, top = 15): HeapGrowth {
  const kinds = new Set([...Object.keys(before.byKind), ...Object.keys(after.byKind)]);
  return [...kinds]
    .map((kind) => {
      const a = before.byKind[kind] ?? { count: 0, bytes: 0 };
      const b = after.byKind[kind] ?? { count: 0, bytes: 0 };
      return {
        kind,
        countDelta: b.count - a.count,
        kbDelta: Math.round((b.bytes - a.bytes) / 1024),
        countAfter: b.count,
      };
    })
    .sort((x, y) => y.kbDelta - x.kbDelta)
    .slice(0, top);
}
