/**
 * Every Odoo failure becomes one of four kinds, because each kind has one handling rule
 * (CONTRACT.md "Rules for the client"):
 * - transient: retry with backoff and jitter (nothing happened, or Odoo rolled back);
 * - ambiguous: the request left and no answer came back; re-read Odoo, never resend a create;
 * - configuration: credentials, database, module or access set-up is wrong; stop the lane, alert an admin;
 * - business: Odoo refused the operation; a person must look, no automatic retry.
 * - programming: Odoo's Python failed on what Plumbline sent (IndexError, TypeError, KeyError,
 *   AttributeError): the call itself is wrong for this Odoo — a Plumbline bug or an unsupported
 *   version. Nobody in finance can fix it; it goes to an engineer, no automatic retry.
 * Errors carry Odoo's exception name and message, never the traceback (`debug`) and never the key.
 */
export type OdooErrorKind = 'transient' | 'ambiguous' | 'configuration' | 'business' | 'programming';

export interface OdooErrorInit {
  message: string;
  /** Odoo's exception name (`odoo.exceptions.UserError`), or `plumbline.*` for transport failures. */
  odooName: string;
  httpStatus?: number;
  model?: string;
  method?: string;
  /** Extra facts for the caller, e.g. ids created before a batch failed. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class OdooError extends Error {
  override readonly name: string = 'OdooError';
  readonly odooName: string;
  readonly httpStatus: number | undefined;
  readonly model: string | undefined;
  readonly method: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly kind: OdooErrorKind,
    init: OdooErrorInit,
  ) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.odooName = init.odooName;
    this.httpStatus = init.httpStatus;
    this.model = init.model;
    this.method = init.method;
    this.details = init.details;
  }

  /** What the sync history stores: no traceback, no secrets. */
  toJSON() {
    return {
      kind: this.kind,
      odooName: this.odooName,
      message: this.message,
      httpStatus: this.httpStatus,
      model: this.model,
      method: this.method,
    };
  }
}

export class OdooTransientError extends OdooError {
  override readonly name = 'OdooTransientError';
  constructor(init: OdooErrorInit) {
    super('transient', init);
  }
}

export class OdooAmbiguousError extends OdooError {
  override readonly name = 'OdooAmbiguousError';
  constructor(init: OdooErrorInit) {
    super('ambiguous', init);
  }
}

export class OdooConfigurationError extends OdooError {
  override readonly name = 'OdooConfigurationError';
  constructor(init: OdooErrorInit) {
    super('configuration', init);
  }
}

export class OdooBusinessError extends OdooError {
  override readonly name = 'OdooBusinessError';
  constructor(init: OdooErrorInit) {
    super('business', init);
  }
}

export class OdooProgrammingError extends OdooError {
  override readonly name = 'OdooProgrammingError';
  constructor(init: OdooErrorInit) {
    super('programming', init);
  }
}

export function createOdooError(kind: OdooErrorKind, init: OdooErrorInit): OdooError {
  switch (kind) {
    case 'transient':
      return new OdooTransientError(init);
    case 'ambiguous':
      return new OdooAmbiguousError(init);
    case 'configuration':
      return new OdooConfigurationError(init);
    case 'business':
      return new OdooBusinessError(init);
    case 'programming':
      return new OdooProgrammingError(init);
  }
}

export function isOdooError(error: unknown): error is OdooError {
  return error instanceof OdooError;
}

/** Odoo already retried these five times server-side; they still mean "try again later". */
const CONCURRENCY_NAMES = new Set([
  'psycopg2.errors.SerializationFailure',
  'psycopg2.errors.LockNotAvailable',
  'psycopg2.errors.DeadlockDetected',
  'psycopg2.extensions.TransactionRollbackError',
  'odoo.exceptions.ConcurrencyError',
  'odoo.exceptions.LockError',
]);

const CONFIGURATION_NAMES = new Set([
  'odoo.exceptions.AccessDenied',
  'werkzeug.exceptions.Unauthorized',
  'werkzeug.exceptions.NotFound', // JSON-2: unknown model or method = module not installed
  'werkzeug.exceptions.BadRequest',
  'odoo.http.SessionExpiredException',
]);

/**
 * Python errors raised by Odoo's dispatch on the shape of the call itself (odoo/service/model.py
 * call_kw reads `args[0]`; Python binds keywords; `getattr` finds the method): the request is wrong,
 * not the data and not the set-up. Issue 14: a keyword-only `create` was an IndexError classed as a
 * low-severity business error.
 */
const PROGRAMMING_NAMES = new Set([
  'builtins.IndexError',
  'builtins.TypeError',
  'builtins.KeyError',
  'builtins.AttributeError', // JSON-RPC: a method this model does not have
  'werkzeug.exceptions.UnprocessableEntity', // JSON-2: arguments that do not bind
]);

const BUSINESS_NAMES = new Set([
  'odoo.exceptions.UserError',
  'odoo.exceptions.ValidationError',
  'odoo.exceptions.MissingError',
  'odoo.exceptions.RedirectWarning',
  'builtins.ValueError', // bad field or selection value in what we sent for a record
]);

/** Record rules (as opposed to model ACLs) say so in their message. */
const RECORD_RULE_MESSAGE = /Due to security restrictions|record rules?|Blame the following rules/i;

export function classifyOdooFailure(input: {
  httpStatus?: number;
  odooName?: string;
  message?: string;
}): OdooErrorKind {
  const { httpStatus, odooName = '', message = '' } = input;
  if (CONCURRENCY_NAMES.has(odooName)) return 'transient';
  if (httpStatus !== undefined && [409, 429, 502, 503, 504].includes(httpStatus)) return 'transient';
  if (odooName === 'psycopg2.OperationalError') {
    // A missing database is set-up; a lost database connection is passing trouble.
    return /database .* does not exist/.test(message) ? 'configuration' : 'transient';
  }
  if (odooName === 'odoo.exceptions.AccessError')
    return RECORD_RULE_MESSAGE.test(message) ? 'business' : 'configuration';
  if (odooName === 'odoo.exceptions.UserError' && /^Object \S+ doesn't exist/.test(message))
    return 'configuration';
  if (PROGRAMMING_NAMES.has(odooName)) return 'programming';
  // JSON-2 says 404 for both; a missing model is a module not installed, a missing method on a
  // model that exists is a call this Odoo does not have (captures 92/93).
  if (odooName === 'werkzeug.exceptions.NotFound' && /^The method '\S+' does not exist/.test(message))
    return 'programming';
  if (CONFIGURATION_NAMES.has(odooName)) return 'configuration';
  if (BUSINESS_NAMES.has(odooName)) return 'business';
  if (!odooName) {
    if (httpStatus === 400 || httpStatus === 401 || httpStatus === 403 || httpStatus === 404)
      return 'configuration';
    // A 500 without Odoo's error body came from a proxy or a killed worker, not from Odoo's code.
    if (httpStatus !== undefined && httpStatus >= 500) return 'transient';
  }
  // Anything else is an Odoo-side bug or an unknown refusal: a person has to look.
  return 'business';
}

/** Replaces secrets (and anything shaped like a bearer token) before text leaves the client. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(/(bearer\s+)[^\s"',]+/gi, '$1[redacted]');
}
