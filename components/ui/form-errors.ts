import { TRPCClientError } from '@trpc/client';

/**
 * A server refusal, split for a form: the messages that belong to a field (by its input path,
 * "lines.2.certifiedToDate"), and one sentence for the rest. Messages are the schemas' own words
 * ("Enter an amount with at most two decimals…"), never the path itself.
 */
export type FormErrors = { fields: Record<string, string>; sovLineId: string | null; summary: string | null };

type ErrorData = {
  fieldIssues?: { path: string; message: string }[];
  /** zod's flattened errors, or the one field a domain refusal names ("invoiceNumber"). */
  fieldErrors?: Record<string, string[] | undefined>;
  sovLineId?: string;
};

export function formErrorsOf(error: unknown): FormErrors {
  if (!error) return { fields: {}, sovLineId: null, summary: null };
  if (!(error instanceof TRPCClientError))
    return { fields: {}, sovLineId: null, summary: 'Something went wrong. Please try again.' };
  const data = (error.data ?? {}) as ErrorData;
  const fields: Record<string, string> = {};
  for (const issue of data.fieldIssues ?? []) if (!(issue.path in fields)) fields[issue.path] = issue.message;
  const count = Object.keys(fields).length;
  // a domain refusal that names its field: on that field, and (a whole sentence) as the summary too
  if (!data.fieldIssues)
    for (const [path, messages] of Object.entries(data.fieldErrors ?? {}))
      if (messages?.[0]) fields[path] = messages[0];
  const summary =
    count > 0
      ? `Please correct the ${count === 1 ? 'field' : `${count} fields`} marked below.`
      : error.message;
  return { fields, sovLineId: data.sovLineId ?? null, summary };
}

/** The id of a field's error message, for aria-describedby. */
export function errorIdFor(fieldId: string): string {
  return `${fieldId}-error`;
}

/** Issues of a client-side schema check, by path, first message per field. */
export function fieldsOfIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (!(path in fields)) fields[path] = issue.message;
  }
  return fields;
}
