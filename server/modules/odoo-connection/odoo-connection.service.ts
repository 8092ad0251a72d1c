import { describeMissingAccess, missingOdooAccess } from './odoo-access-needs';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { odooConnections, projects, type OdooMappings } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { encryptSecret } from '@/server/lib/crypto';
import { logger } from '@/server/lib/logger';
import { isOdooError } from '@/server/odoo/errors';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';
import { describeStoredSecret, odooClientFor, resolveOdooConfig } from './odoo-config';
import { ensureConnectionRow, lockConnectionRow } from './odoo-connection-row';
import type { OdooTestResult, SaveConnectionInput, SaveMappingsInput } from './odoo-connection.schemas';
import { describeOdooError } from './odoo-error-text';

/** Saves the connection; the secret is encrypted, never returned, never audited (only "[secret changed]"). */
export async function saveOdooConnection(db: Db, input: SaveConnectionInput, actor: Actor) {
  const secret = input.secret?.trim() ? input.secret.trim() : undefined;
  return db.transaction(async (tx) => {
    const row = await lockConnectionRow(tx, actor.organisationId);
    const hadSecret = describeStoredSecret(row).secretSet;
    if (!hadSecret && !secret) throw new DomainError('VALIDATION', 'Enter the API key or password.');
    // The stored key belongs to the host, database and login it was entered for: pointing the
    // connection elsewhere must not carry it along (a "Test connection" would send it there).
    const moved =
      row &&
      (row.url !== input.url ||
        row.database !== input.database ||
        row.login !== input.login ||
        row.authMethod !== input.authMethod);
    if (moved && !secret) {
      throw new DomainError(
        'VALIDATION',
        'Changing the Odoo address, database, login or sign-in method needs the API key or password again.',
        { field: 'secret' },
      );
    }
    if (row && input.version !== row.version)
      throw new DomainError('CONFLICT', 'The connection was changed by someone else. Reload and try again.');
    const plain = {
      url: input.url,
      database: input.database,
      login: input.login,
      authMethod: input.authMethod,
    };
    const sealed = secret ? encryptSecret(secret) : undefined;
    const secretColumns = sealed
      ? {
          secretCiphertext: sealed.ciphertext,
          secretIv: sealed.iv,
          secretTag: sealed.tag,
          secretLast4: secret!.slice(-4),
        }
      : {};
    const changes = diffFields(
      row ? { url: row.url, database: row.database, login: row.login, authMethod: row.authMethod } : {},
      plain,
    );
    if (secret) changes.secret = { old: hadSecret ? '[secret]' : null, new: '[secret changed]' };
    const resetTest = {
      lastTestOk: null,
      lastTestMessage: null,
      lastTestedAt: null,
      detectedVersion: null,
      detectedTransport: null,
    };
    let saved;
    if (!row) {
      [saved] = await tx
        .insert(odooConnections)
        .values({
          organisationId: actor.organisationId,
          ...plain,
          ...(secretColumns as Required<typeof secretColumns>),
        })
        .returning({ id: odooConnections.id, version: odooConnections.version });
    } else {
      [saved] = await tx
        .update(odooConnections)
        .set({
          ...plain,
          ...secretColumns,
          ...(Object.keys(changes).length > 0 ? resetTest : {}),
          version: sql`${odooConnections.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(odooConnections.id, row.id), eq(odooConnections.version, row.version)))
        .returning({ id: odooConnections.id, version: odooConnections.version });
    }
    if (!saved)
      throw new DomainError('CONFLICT', 'The connection was changed by someone else. Reload and try again.');
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, {
        actor,
        action: 'odoo.connection.save',
        entityType: 'odoo_connection',
        entityId: saved.id,
        changedFields: changes,
      });
    }
    return {
      id: saved.id,
      version: saved.version,
      secretSet: true,
      secretLast4: secret ? secret.slice(-4) : (row?.secretLast4 ?? null),
    };
  });
}

/** Version, transport, user and company of the effective connection, or the failure in plain words. */
export async function testOdooConnection(db: Db, actor: Actor): Promise<OdooTestResult> {
  const testedAt = new Date();
  const config = await resolveOdooConfig(db, actor.organisationId).catch((error: unknown) => {
    throw new DomainError('ODOO_NOT_CONFIGURED', describeOdooError(error, { url: '', database: '' }));
  });
  if (!config)
    return {
      ok: false,
      testedAt,
      message: 'No Odoo connection is configured: fill in the form and save it first.',
    };
  const client = odooClientFor(config, { timeoutMs: 15_000, readRetries: 0 });
  let result: OdooTestResult;
  try {
    const version = await client.version();
    const transport = await client.transport();
    const who = await client.whoAmI();
    const missing = describeMissingAccess(await missingOdooAccess(client));
    // every project's currency must be active in Odoo, or its documents cannot be issued in it
    const used = (
      await db
        .selectDistinct({ currency: projects.currency })
        .from(projects)
        .where(eq(projects.organisationId, actor.organisationId))
    ).map((r) => r.currency);
    const active = new Set(
      (await client.searchRead('res.currency', [['name', 'in', used]], ['name'])).map((r) => String(r.name)),
    );
    for (const code of used.filter((c) => !active.has(c)))
      missing.push(
        `Activate the currency ${code} in Odoo (Accounting → Configuration → Currencies) — Plumbline projects are kept in ${code}.`,
      );
    const connected = `Connected to Odoo ${version.serverVersion} over ${transport === 'json2' ? 'JSON-2' : 'JSON-RPC'} as ${who.name} (${who.company.name}).`;
    result = {
      ok: missing.length === 0,
      testedAt,
      message:
        missing.length === 0
          ? `${connected} Every access right the sync needs is granted.`
          : `${connected} But the Odoo user ${who.login} lacks access rights the sync needs:\n- ${missing.join('\n- ')}`,
      missingAccess: missing,
      version: version.serverVersion,
      transport,
      user: { name: who.name, login: who.login },
      company: { name: who.company.name, currency: who.company.currency },
    };
  } catch (error) {
    const message = describeOdooError(error, config, [config.apiKey, config.password]);
    logger().warn(
      { odooError: isOdooError(error) ? error.toJSON() : undefined, organisationId: actor.organisationId },
      'odoo connection test failed',
    );
    result = { ok: false, testedAt, message };
  }
  await db
    .update(odooConnections)
    .set({
      lastTestedAt: testedAt,
      lastTestOk: result.ok,
      lastTestMessage: result.message,
      detectedVersion: result.version ?? null,
      detectedTransport: result.transport ?? null,
    })
    .where(eq(odooConnections.organisationId, actor.organisationId));
  return result;
}

/** Saves the Odoo ids picked for each mapping; audited with old and new ids. */
export async function saveOdooMappings(
  db: Db,
  input: Partial<SaveMappingsInput>,
  actor: Actor | null,
  organisationId = actor?.organisationId,
) {
  if (!organisationId) throw new DomainError('NOT_FOUND', 'Organisation not found.');
  await db.transaction(async (tx) => {
    const row = await ensureConnectionRow(tx, organisationId);
    const next: OdooMappings = { ...row.mappings };
    for (const [key, value] of Object.entries(input) as [keyof OdooMappings, number | null | undefined][]) {
      if (value === undefined) continue;
      if (value === null) delete next[key];
      else next[key] = value;
    }
    const changes = diffFields(row.mappings as Record<string, unknown>, next as Record<string, unknown>);
    for (const key of Object.keys(row.mappings))
      if (!(key in next)) changes[key] = { old: row.mappings[key as keyof OdooMappings], new: null };
    if (Object.keys(changes).length === 0) return;
    await tx
      .update(odooConnections)
      .set({ mappings: next, updatedAt: new Date() })
      .where(eq(odooConnections.id, row.id));
    await recordAudit(tx, {
      actor: actor ?? { id: null, role: 'system' },
      action: actor ? 'odoo.mappings.save' : 'odoo.mappings.discover',
      entityType: 'odoo_connection',
      entityId: row.id,
      changedFields: changes,
    });
  });
}
