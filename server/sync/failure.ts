import { env } from '@/server/env';
import { isOdooError, redactSecrets } from '@/server/odoo/errors';

export type SyncOutcome =
  | 'success'
  | 'transient_error'
  | 'ambiguous'
  | 'business_error'
  | 'configuration_error'
  | 'programming_error'
  | 'crashed';

export type SyncFailure = {
  outcome: Exclude<SyncOutcome, 'success'>;
  /** 'OdooBusinessError', 'TypeError'… — the class that failed, for the history. */
  errorClass: string;
  /** Odoo's exception name ('odoo.exceptions.UserError') or the JS error name. */
  errorName: string;
  errorMessage: string;
  httpStatus: number | null;
  odooModel: string | null;
  operation: string;
};

const MAX_MESSAGE = 1_000;

/**
 * Turns whatever a handler threw into what the history stores: Odoo's classification, name and
 * message — never a traceback, never a key (the Odoo client already strips `debug`; we redact again
 * in case a message quotes configuration). Anything that is not an OdooError is a crash of our code.
 */
export function describeFailure(error: unknown): SyncFailure {
  const secrets = [env().ODOO_API_KEY, env().ODOO_PASSWORD, env().ODOO_SIM_API_KEY];
  const clean = (text: string) => redactSecrets(text, secrets).slice(0, MAX_MESSAGE);
  if (isOdooError(error)) {
    const outcome = (
      {
        transient: 'transient_error',
        ambiguous: 'ambiguous',
        business: 'business_error',
        configuration: 'configuration_error',
        programming: 'programming_error',
      } as const
    )[error.kind];
    return {
      outcome,
      errorClass: error.name,
      errorName: error.odooName,
      errorMessage: clean(error.message),
      httpStatus: error.httpStatus ?? null,
      odooModel: error.model ?? null,
      operation: error.model && error.method ? `${error.model}.${error.method}` : 'sync',
    };
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return {
    outcome: 'crashed',
    errorClass: name,
    errorName: name,
    errorMessage: clean(message),
    httpStatus: null,
    odooModel: null,
    operation: 'sync',
  };
}

/** The words finance reads in the exception queue: what happened and what to do about it. */
export function exceptionWording(
  failure: SyncFailure,
  reference: string,
  attempts: number,
): { title: string; detail: string; guidance: string; ownerRole: string } {
  const said = `${failure.errorName}: ${failure.errorMessage}`;
  switch (failure.outcome) {
    case 'business_error':
      return {
        title: `Odoo refused the sync of ${reference}`,
        detail: `Odoo answered ${said}`,
        guidance:
          'Odoo rejected the change for a business reason and will keep doing so until the cause is fixed. Read the message, correct it in Odoo or in Plumbline (a missing mapping, a closed period, a locked or deleted document), then press Retry. If the record should not reach Odoo, dismiss this with a reason.',
        ownerRole: 'finance',
      };
    case 'configuration_error':
      return {
        title: `Odoo connection problem while syncing ${reference}`,
        detail: `Odoo answered ${said}`,
        guidance:
          "Plumbline could not use its Odoo connection (a rejected or expired API key, a missing module or missing access rights). Syncing is paused for this record. Ask an administrator to check the Odoo connection settings and the Odoo user's rights, then press Retry.",
        ownerRole: 'admin',
      };
    case 'programming_error':
      return {
        title: `Plumbline sent Odoo a call it cannot run while syncing ${reference}`,
        detail: `Odoo's code failed on the request itself: ${said}`,
        guidance:
          'This is a fault in Plumbline (or an Odoo version it does not support), not in the data: retrying will not help and nothing was written in Odoo by the failed call. Pass it to the engineer who maintains Plumbline with the Odoo version; once fixed, press Retry.',
        ownerRole: 'admin',
      };
    default:
      return {
        title: `Sync of ${reference} kept failing`,
        detail: `${attempts} attempts failed; the last one with ${said}`,
        guidance:
          'Odoo could not be reached or was busy for every attempt. Check that Odoo is up (or ask your Odoo host), then press Retry. Retrying is safe: the next attempt looks for what an earlier one may have created before creating anything.',
        ownerRole: 'finance',
      };
  }
}
