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
});
