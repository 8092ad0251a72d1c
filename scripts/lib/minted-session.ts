/**
 * A signed-in, second-factor-verified session without typing a code: a live `user_sessions` row that
 * proved the factor now (as a sign-in with a code opens one, server/auth/session.ts), a stand-in factor
 * for the roles that require one (so step-up actions see one enrolled), and the JWT next-auth would
 * issue for it. For the e2e suite and the page benchmark, which drive roles that require a second
 * factor; the stack must use `authSecret` as its AUTH_SECRET.
 */
type Query = <T extends Record<string, unknown>>(text: string, values?: unknown[]) => Promise<T[]>;

export async function mintSessionCookie(
  query: Query,
  authSecret: string,
  email: string,
  claims: { sv?: number; signedInAt?: number; sid?: string } = {},
): Promise<string> {
  const { encode } = await import('next-auth/jwt');
  const [user] = await query<{ id: string; name: string; session_version: number }>(
    'SELECT id, name, session_version FROM users WHERE email = $1',
    [email],
  );
  if (!user) throw new Error(`no user ${email}`);
  await query(
    `INSERT INTO user_mfa (user_id, secret_ciphertext, secret_iv, secret_tag, enabled_at) SELECT id, 'e2e-stand-in', 'e2e', 'e2e', now() FROM users WHERE id = $1 AND role IN ('admin', 'finance', 'executive') ON CONFLICT DO NOTHING`,
    [user.id],
  );
  const sid =
    claims.sid ??
    (
      await query<{ id: string }>(
        'INSERT INTO user_sessions (user_id, mfa_verified_at) VALUES ($1, now()) RETURNING id',
        [user.id],
      )
    )[0]!.id;
  const token = await encode({
    secret: authSecret,
    maxAge: 30 * 24 * 3600,
    token: {
      sub: user.id,
      name: user.name,
      email,
      uid: user.id,
      sid,
      sv: claims.sv ?? user.session_version,
      signedInAt: claims.signedInAt ?? Math.floor(Date.now() / 1000),
    },
  });
  return `next-auth.session-token=${token}`;
}
