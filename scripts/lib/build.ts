import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './processes';

/** What a production build depends on; a change to any of these triggers a rebuild at start. */
const inputs = [
  'app',
  'components',
  'server',
  'db/schema',
  'proxy.ts',
  'next.config.js',
  'postcss.config.mjs',
  'tsconfig.json',
  'package-lock.json',
];

function fingerprint(root: string): string {
  const hash = createHash('sha256');
  const walk = (target: string) => {
    if (!existsSync(target)) return;
    const stat = statSync(target);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(target).sort()) walk(path.join(target, entry));
    } else if (!/\.test\.tsx?$/.test(target)) {
      hash.update(`${path.relative(root, target)}:${stat.size}:${stat.mtimeMs}\n`);
    }
  };
  for (const input of inputs) walk(path.join(root, input));
  return hash.digest('hex');
}

/** Builds the Next app when it has never been built or its sources changed since the last build. */
export async function ensureProductionBuild(
  root: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  const marker = path.join(root, '.next', 'plumbline-build-fingerprint');
  const current = fingerprint(root);
  if (
    existsSync(path.join(root, '.next', 'BUILD_ID')) &&
    existsSync(marker) &&
    readFileSync(marker, 'utf8') === current
  )
    return;
  log(
    'Building the web app (first start, or sources changed): about a minute on a quiet machine, several on a busy one.',
  );
  const started = Date.now();
  // Next's own progress lines (compiling, type checking, collecting pages, generating pages n/N), with
  // the elapsed time, so a slow first start is visibly working
  const progress = (line: string) => {
    const text = line.replace(/\x1b\[[0-9;]*m/g, '').trim();
    if (text && !/^(▲|-|Route|┌|├|└|│|○|ƒ|\+|First Load)/u.test(text))
      log(`  [build ${Math.round((Date.now() - started) / 1000)} s] ${text}`);
  };
  // Next prints nothing while it compiles (minutes on a busy machine): say it is still at it
  let last = Date.now();
  const ticker = setInterval(() => {
    if (Date.now() - last >= 15_000) progress('… still compiling');
  }, 15_000);
  await run(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: root,
    env: { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    onLine: (line) => {
      last = Date.now();
      progress(line);
    },
  }).finally(() => clearInterval(ticker));
  writeFileSync(marker, current);
  log(`Built in ${Math.round((Date.now() - started) / 1000)} s.`);
}
