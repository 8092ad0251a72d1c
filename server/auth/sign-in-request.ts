/**
 * The credentials sign-in body, parsed exactly once. next-auth would parse it again its own way (the
 * last of repeated fields, JSON for any content type containing "application/json"), so a throttle
 * reading it differently could be bypassed. We accept only a urlencoded form with every field at most
 * once, and hand next-auth a body re-serialised from what we parsed: the identity throttled is the
 * identity that signs in.
 */
export type SignInForm = { email: string; fields: URLSearchParams };
export type SignInFormResult =
  { ok: true; form: SignInForm } | { ok: false; message: string; fieldErrors: Record<string, string[]> };

const MAX_BODY_BYTES = 8 * 1024;

export async function readSignInForm(req: Request): Promise<SignInFormResult> {
  const contentType = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    return {
      ok: false,
      message: 'Sign-in must be sent as a form (application/x-www-form-urlencoded).',
      fieldErrors: { body: ['Send the sign-in form as application/x-www-form-urlencoded.'] },
    };
  }
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    return { ok: false, message: 'The sign-in form is too large.', fieldErrors: { body: ['At most 8 KB.'] } };
  }
  const params = new URLSearchParams(text);
  const fields = new URLSearchParams();
  const fieldErrors: Record<string, string[]> = {};
  for (const [key, value] of params) {
    if (fields.has(key)) fieldErrors[key] = ['Sent more than once.'];
    else fields.set(key, value);
  }
  if (Object.keys(fieldErrors).length > 0)
    return { ok: false, message: 'Each sign-in field may be sent only once.', fieldErrors };
  return { ok: true, form: { email: fields.get('email') ?? '', fields } };
}

/** The request next-auth sees: same URL and headers, the body rebuilt from the single parse. */
export function signInRequestFrom(req: Request, form: SignInForm): Request {
  const headers = new Headers(req.headers);
  headers.set('content-type', 'application/x-www-form-urlencoded');
  headers.delete('content-length');
  return new Request(req.url, { method: 'POST', headers, body: form.fields.toString() });
}
