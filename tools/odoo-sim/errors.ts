/**
 * Exceptions the simulator raises, named exactly as Odoo serialises them (`data.name` on
 * JSON-RPC, `name` on JSON-2). Only name, HTTP status and envelope shape are contractual; the
 * messages are close to Odoo's so logs read naturally.
 */
export class SimError extends Error {
  constructor(
    readonly odooName: string,
    message: string,
    /** HTTP status on JSON-2; JSON-RPC always answers 200. */
    readonly httpStatus: number = statusForName(odooName),
    /** werkzeug HTTP errors carry `[description, status]` as arguments. */
    readonly args: unknown[] = [message],
  ) {
    super(message);
  }
}

function statusForName(name: string): number {
  switch (name) {
    case 'odoo.exceptions.UserError':
    case 'odoo.exceptions.ValidationError':
      return 422;
    case 'odoo.exceptions.AccessError':
    case 'odoo.exceptions.AccessDenied':
      return 403;
    case 'odoo.exceptions.MissingError':
      return 404;
    case 'odoo.exceptions.LockError':
      return 409;
    default:
      return 500;
  }
}

export const userError = (message: string) => new SimError('odoo.exceptions.UserError', message);
export const validationError = (message: string) => new SimError('odoo.exceptions.ValidationError', message);
export const accessError = (message: string) => new SimError('odoo.exceptions.AccessError', message);
export const accessDenied = () => new SimError('odoo.exceptions.AccessDenied', 'Access Denied');
export const valueError = (message: string) => new SimError('builtins.ValueError', message);
export const typeError = (message: string) => new SimError('builtins.TypeError', message);

export function missingError(model: string, ids: number[], uid: number): SimError {
  const list = ids.length === 1 ? `${ids[0]},` : ids.join(', ');
  return new SimError(
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${model}(${list}), User: ${uid})`,
  );
}

export function requiredFieldError(model: string, description: string, field: string, label: string) {
  return validationError(
    `The operation cannot be completed: Missing required value for the field '${label}' (${field}).\n` +
      `Model: '${description}' (${model})\n- create/update: a mandatory field is not set\n` +
      '- delete: another model requires the record being deleted, you can archive it instead\n',
  );
}

export function werkzeugError(status: 400 | 401 | 404 | 422, message: string): SimError {
  const names = {
    400: 'werkzeug.exceptions.BadRequest',
    401: 'werkzeug.exceptions.Unauthorized',
    404: 'werkzeug.exceptions.NotFound',
    422: 'werkzeug.exceptions.UnprocessableEntity',
  } as const;
  return new SimError(names[status], message, status, [message, status]);
}

export function serializationFailure(): SimError {
  return new SimError(
    'psycopg2.errors.SerializationFailure',
    'could not serialize access due to concurrent update',
  );
}

/** The `{name, message, arguments, context, debug}` object both transports carry. */
export function serializeError(error: SimError) {
  return {
    name: error.odooName,
    message: error.message,
    arguments: error.args,
    context: {},
    // Real Odoo puts a Python traceback here; the simulator's is a stub so nothing leaks from Node.
    debug: `Traceback (most recent call last):\n  ...\n${error.odooName}: ${error.message}`,
  };
}

/** Anything thrown that is not a SimError is a simulator bug; report it like Odoo reports bugs. */
export function toSimError(error: unknown): SimError {
  if (error instanceof SimError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SimError('builtins.Exception', message, 500);
}
