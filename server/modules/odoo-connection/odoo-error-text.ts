import { isOdooError, redactSecrets } from '@/server/odoo/errors';
import { SecretDecryptionError } from '@/server/lib/crypto';

/**
 * One plain sentence per kind of Odoo failure, for the admin screen and the pull history. Odoo's own
 * message is appended only where it helps, already stripped of secrets by the client (and again here).
 */
export function describeOdooError(
  error: unknown,
  target: { url: string; database: string },
  secrets: readonly (string | undefined)[] = [],
): string {
  const host = hostOf(target.url);
  if (error instanceof SecretDecryptionError) return error.message;
  if (!isOdooError(error))
    return 'Unexpected failure while talking to Odoo; the details are in the server log.';
  const name = error.odooName;
  const message = redactSecrets(error.message, secrets);
  if (name === 'plumbline.MissingCredentials') return 'No API key or password is configured for Odoo.';
  if (
    name === 'odoo.exceptions.AccessDenied' ||
    name === 'werkzeug.exceptions.Unauthorized' ||
    name === 'odoo.http.SessionExpiredException'
  )
    return 'Odoo rejected the login or API key (wrong or revoked key, or wrong login). Create a new key in Odoo under Preferences → Account Security.';
  if (name === 'psycopg2.OperationalError' && /does not exist/.test(message))
    return `Odoo at ${host} has no database named "${target.database}".`;
  if (name === 'plumbline.ConnectionFailed')
    return `Odoo is unreachable at ${host}: nothing answered. Check the URL and that the server is running.`;
  if (name === 'http.404')
    return `Odoo at ${host} answered "not found": check the database name ("${target.database}") and that the URL is Odoo's own address.`;
  if (name === 'plumbline.ConnectionDropped')
    return `Odoo is unreachable at ${host}: the connection failed or closed before any answer. Check the URL and that the server is running.`;
  if (name === 'plumbline.Timeout')
    return `Odoo at ${host} did not answer in time. Try again; if it persists, check the server's load.`;
  if (name === 'plumbline.UnknownVersion')
    return `The server at ${host} does not answer like Odoo (no version reported). Check the URL.`;
  if (name === 'plumbline.TransportUnavailable')
    return `This Odoo cannot be reached with the chosen protocol: ${message}`;
  if (error.kind === 'programming')
    return `Odoo could not run a call Plumbline sent (${name}: ${message}). This is a Plumbline fault or an unsupported Odoo version, not a setting: report it to the engineer maintaining Plumbline.`;
  if (name === 'werkzeug.exceptions.NotFound' || /^Object \S+ doesn't exist/.test(message))
    return `A required Odoo module is missing${error.model ? ` (model ${error.model})` : ''}. Install Accounting, Purchase, Sales and Project.`;
  if (name === 'odoo.exceptions.AccessError')
    return `The Odoo user lacks access rights${error.model ? ` to ${error.model}` : ''}. Give it the Accounting, Purchase, Sales and Project manager groups.`;
  if (error.kind === 'transient')
    return `Odoo at ${host} is temporarily unavailable (${name}). Try again shortly.`;
  return `Odoo refused the request (${name}): ${message}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured URL';
  }
}
