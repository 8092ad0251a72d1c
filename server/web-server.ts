import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { env, setProcessEnv } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { exitWithParent } from '@/server/lib/process';

/**
 * Plumbline's HTTP server: Next's request handler behind a plain node:http server, so the client's
 * socket address can be stamped on each request (login throttling must not trust headers a client
 * can set) and forwarding headers are dropped unless TRUST_PROXY says a proxy in front sets them.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function startWebServer(options: { port: number; hostname?: string; dev?: boolean }) {
  const hostname = options.hostname ?? '127.0.0.1';
  const app = next({ dev: options.dev ?? false, dir: repoRoot, hostname, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const trustProxy = env().TRUST_PROXY;
  // next-auth builds its URLs from NEXTAUTH_URL, else from the Host header: pin it to the public origin
  setProcessEnv({ NEXTAUTH_URL: env().appOrigin });
  const server = http.createServer((req, res) => {
    req.headers['x-plumbline-peer'] = req.socket.remoteAddress ?? 'unknown';
    if (!trustProxy) {
      delete req.headers['x-forwarded-for'];
      delete req.headers['x-forwarded-host'];
      delete req.headers['x-forwarded-proto'];
    }
    handle(req, res).catch((error: unknown) => {
      logger().error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, hostname, resolve);
  });
  const url = `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${options.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dev = process.argv.includes('--dev');
  const web = await startWebServer({
    port: env().PORT,
    hostname: process.argv.includes('--public') ? '0.0.0.0' : '127.0.0.1',
    dev,
  });
  logger().info({ url: web.url }, 'web server listening');
  const shutdown = async () => {
    await web.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  exitWithParent(() => void shutdown());
}
