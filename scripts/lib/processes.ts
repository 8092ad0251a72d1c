import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/** Runs a command to completion; with `quiet`, its output is shown only if it fails. */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: options.quiet ? 'pipe' : 'inherit' });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else {
        if (options.quiet) process.stderr.write(output);
        reject(new Error(`${args.join(' ')} exited with ${code}`));
      }
    });
  });
}

export type Supervised = { name: string; child: ChildProcess };

/**
 * Starts a long-running child whose output is prefixed with its name. With `tee`, every line is also
 * written there, silent or not (the end-to-end run scans its children's whole output for secrets).
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
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
