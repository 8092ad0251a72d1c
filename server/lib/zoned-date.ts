/**
 * Calendar dates in a time zone, pure (no database): shared by the server (server/lib/org-time.ts,
 * which knows each organisation's zone) and the pages that print dates on documents.
 */

/** Whether the runtime knows this IANA zone name (Europe/London, Australia/Sydney, UTC…). */
export function isValidTimeZone(timeZone: string): boolean {
  // a region name only: Intl also takes offsets such as "+10:00", which are not zones (no DST, no name)
  if (!timeZone || timeZone.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(timeZone))
    return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date (YYYY-MM-DD) of `at` in `timeZone`. */
export function dateIn(timeZone: string, at: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
