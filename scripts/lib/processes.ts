import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/**
 * Runs a command to completion; with `quiet`, its output is shown only if it fails; with `onLine`,
 * each line of its output is handed over as it comes (progress), and all of it is shown if it fails.
 */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean; onLine?: (line: string) => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const piped = options.quiet || options.onLine;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: piped ? 'pipe' : 'inherit',
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (options.onLine)
        for (const line of text.split('\n')) if (line.trim()) options.onLine(line.trimEnd());
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else {
        if (options.quiet && !options.onLine) process.stderr.write(output);
        reject(new Error(`${args.join(' ')} exited with ${code}`));
      }
    });
  });
}

export type Supervised = { name: string; child: ChildProcess };

/**
 * Starts a long-running child whose output is prefixed with its name. With `tee`, every line is also
 * written there, silent or not (the end-to-end run scans its children's whole output for secrets).
 *
 * The child gets its own process group, so Ctrl-C in the terminal reaches only the supervisor, which
 * stops the children in order (web, worker, database last), and an IPC channel, which closes when the
 * supervisor dies however it dies: a child started here exits on 'disconnect' (`exitWithParent`).
 */
export function startChild(
  name: string,
  command: string,
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
    silent?: boolean;
    tee?: Writable;
  },
): Supervised {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  const forward = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      options.tee?.write(`[${name}] ${line}\n`);
      if (!options.silent) stream.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', forward(process.stdout));
  child.stderr?.on('data', forward(process.stderr));
  child.on('exit', options.onExit);
  return { name, child };
}

export async function stopChild(supervised: Supervised, graceMs = 10_000): Promise<void> {
  const { child } = supervised;
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${lastError})`);
}
