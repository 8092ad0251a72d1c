import { describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/trpc/[trpc]/route';
import { env } from '@/server/env';
import { allowedOrigins, checkBatchSize, checkMutationRequest, MAX_TRPC_BATCH } from './csrf';

const origins = ['http://localhost:3000'];
const post = (headers: Record<string, string>) =>
  new Request('http://localhost:3000/api/trpc/users.create', { method: 'POST', headers });

describe('tRPC mutation transport check', () => {
  it.each([
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'text/plain',
    'application/octet-stream',
    '',
  ])('refuses %s bodies even from the own origin', (contentType) => {
    expect(checkMutationRequest(post({ 'content-type': contentType, origin: origins[0]! }), origins).ok).toBe(
      false,
    );
  });

  it('refuses JSON from a foreign or missing Origin', () => {
    expect(
      checkMutationRequest(
        post({ 'content-type': 'application/json', origin: 'https://evil.example' }),
        origins,
      ),
    ).toEqual({ ok: false, reason: 'Cross-origin request refused.' });
    expect(checkMutationRequest(post({ 'content-type': 'application/json' }), origins).ok).toBe(false);
  });

  it('accepts JSON from the own origin, and lets GET queries through', () => {
    expect(
      checkMutationRequest(
        post({ 'content-type': 'application/json; charset=utf-8', origin: origins[0]! }),
        origins,
      ).ok,
    ).toBe(true);
    expect(checkMutationRequest(new Request('http://localhost:3000/api/trpc/session.me'), origins).ok).toBe(
      true,
    );
  });

  it('allows exactly the public origin fixed at start, never one derived from the Host header', async () => {
    expect(allowedOrigins('https://plumbline.example.com/')).toEqual(['https://plumbline.example.com']);
    // a rebinding host with a matching Origin: on main the Host header made it "same origin"
    const rebound = new Request('http://evil.example/api/trpc/users.create', {
      method: 'POST',
      headers: { host: 'evil.example', origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    const response = await POST(rebound);
    expect(response.status).toBe(403);
    expect(env().appOrigin).not.toBe('http://evil.example');
    expect(GET).toBe(POST);
  });

  it('caps a tRPC batch at MAX_TRPC_BATCH procedures, before any procedure runs (issue 20: one request ran 30 mutations)', async () => {
    const url = (n: number) =>
      `http://localhost:3000/api/trpc/${Array.from({ length: n }, () => 'cost.takeSnapshot').join(',')}?batch=1`;
    expect(checkBatchSize(new Request(url(MAX_TRPC_BATCH))).ok).toBe(true);
    expect(checkBatchSize(new Request(url(MAX_TRPC_BATCH + 1))).ok).toBe(false);
    expect(checkBatchSize(new Request(url(30).replaceAll(',', '%2C'))).ok).toBe(false);
    const response = await POST(
      new Request(url(30), {
        method: 'POST',
        headers: { origin: env().appOrigin, 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
