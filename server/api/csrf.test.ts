import { describe, expect, it } from 'vitest';
import { allowedOriginsFor, checkMutationRequest } from './csrf';

const origins = ['http://localhost:3000'];
const post = (headers: Record<string, string>) => new Request('http://localhost:3000/api/trpc/users.create', { method: 'POST', headers });

describe('tRPC mutation transport check', () => {
  it.each(['multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', ''])(
    'refuses %s bodies even from the own origin',
    (contentType) => {
      expect(checkMutationRequest(post({ 'content-type': contentType, origin: origins[0]! }), origins).ok).toBe(false);
    },
  );

  it('refuses JSON from a foreign or missing Origin', () => {
    expect(checkMutationRequest(post({ 'content-type': 'application/json', origin: 'https://evil.example' }), origins)).toEqual({ ok: false, reason: 'Cross-origin request refused.' });
    expect(checkMutationRequest(post({ 'content-type': 'application/json' }), origins).ok).toBe(false);
  });

  it('accepts JSON from the own origin, and lets GET queries through', () => {
    expect(checkMutationRequest(post({ 'content-type': 'application/json; charset=utf-8', origin: origins[0]! }), origins).ok).toBe(true);
    expect(checkMutationRequest(new Request('http://localhost:3000/api/trpc/session.me'), origins).ok).toBe(true);
  });

  it('derives the allowed origin from APP_URL, else the Host header', () => {
    expect(allowedOriginsFor(post({ host: 'evil.example' }), 'https://plumbline.example.com')).toEqual(['https://plumbline.example.com']);
    expect(allowedOriginsFor(post({ host: 'localhost:3000' }), undefined)).toEqual(['http://localhost:3000']);
  });
});
