import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from './proxy';

describe('security headers proxy', () => {
  it('sets a fresh nonce CSP and the static headers on every response', () => {
    const first = proxy(new NextRequest('http://localhost:3000/projects'));
    const second = proxy(new NextRequest('http://localhost:3000/projects'));
    const csp = first.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(second.headers.get('content-security-policy')).not.toBe(csp);
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(first.headers.get('strict-transport-security')).toBeNull();
  });

  it('adds HSTS when served over HTTPS', () => {
    const response = proxy(new NextRequest('https://plumbline.example.com/projects'));
    expect(response.headers.get('strict-transport-security')).toContain('max-age=63072000');
  });

  it('adds HSTS behind a TLS-terminating proxy (x-forwarded-proto https, which server/web-server.ts passes on only with TRUST_PROXY)', () => {
    const behindProxy = proxy(
      new NextRequest('http://10.0.0.5:3000/projects', { headers: { 'x-forwarded-proto': 'https' } }),
    );
    expect(behindProxy.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    // e2e/security.spec.ts shows the stack without TRUST_PROXY drops a client's x-forwarded-proto
    const plain = proxy(
      new NextRequest('http://10.0.0.5:3000/projects', { headers: { 'x-forwarded-proto': 'http' } }),
    );
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('marks every API answer Cache-Control: no-store (issue 20), and leaves pages to Next', () => {
    for (const path of ['/api/trpc/session.me', '/api/auth/session', '/api/claims/x/certificate']) {
      expect(proxy(new NextRequest(`http://localhost:3000${path}`)).headers.get('cache-control'), path).toBe(
        'no-store',
      );
    }
    expect(proxy(new NextRequest('http://localhost:3000/projects')).headers.get('cache-control')).toBeNull();
  });
});
