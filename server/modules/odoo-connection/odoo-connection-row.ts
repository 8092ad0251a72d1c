import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { odooConnections } from '@/db/schema';
import { env } from '@/server/env';
import { DomainError } from '@/server/errors';
import { NO_SECRET } from './odoo-config';

/** The organisation's row, locked for the rest of the transaction. */
export async function lockConnectionRow(tx: DbOrTx, organisationId: string) {
  const [row] = await tx
    .select()
    .from(odooConnections)
    .where(eq(odooConnections.organisationId, organisationId))
    .for('update');
  return row ?? null;
}

/**
 * Mappings need a row even when the environment configures the connection (and in the demo): such
 * a row holds the environment's address and no secret, and never serves as a connection itself.
 */
export async function ensureConnectionRow(
  tx: DbOrTx,
  organisationId: string,
  target?: { url: string; database: string; login: string },
) {
  const existing = await lockConnectionRow(tx, organisationId);
  if (existing) return existing;
  const config = env();
  const address =
    target ??
    (config.ODOO_URL
      ? { url: config.ODOO_URL, database: config.ODOO_DB ?? '', login: config.ODOO_LOGIN ?? '' }
      : undefined);
  if (!address) throw new DomainError('ODOO_NOT_CONFIGURED', 'Save the Odoo connection first.');
  const [row] = await tx
    .insert(odooConnections)
    .values({
      organisationId,
      ...address,
      authMethod: 'api_key',
      secretCiphertext: NO_SECRET,
      secretIv: NO_SECRET,
      secretTag: NO_SECRET,
      secretLast4: NO_SECRET,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? (await lockConnectionRow(tx, organisationId))!;
}
