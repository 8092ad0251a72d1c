import http from 'node:http';
import { env } from '@/server/env';
import { checkMetricsAuth } from './metrics-auth';
import { renderMetrics } from './metrics';

export type MetricsResponse = { status: number; headers: Record<string, string>; body: string };

/** Shared by the web app's `/api/metrics` route and the worker's metrics port. */
export async function handleMetricsRequest(
  authorization: string | null | undefined,
  token = env().METRICS_TOKEN,
): Promise<MetricsResponse> {
  const auth = checkMetricsAuth(authorization, token);
  const noStore = { 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' };
  if (!auth.ok) {
    const headers: Record<string, string> =
      auth.status === 401 ? { ...noStore, 'WWW-Authenticate': 'Bearer realm="plumbline-metrics"' } : noStore;
    return { status: auth.status, headers, body: auth.status === 404 ? 'Not found\n' : 'Unauthorized\n' };
  }
  const { contentType, body } = await renderMetrics();
  return { status: 200, headers: { ...noStore, 'Content-Type': contentType }, body };
}

/** The worker's own `/metrics` (same token); not started without WORKER_METRICS_PORT and METRICS_TOKEN. */
export async function startMetricsServer(options: {
  port: number;
  host: string;
  token: string | undefined;
}): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    handleMetricsRequest(req.headers.authorization, options.token).then(
      (answer) => res.writeHead(answer.status, answer.headers).end(answer.body),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
