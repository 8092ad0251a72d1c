/**
 * Display formatting only: money arrives as decimal strings and is formatted without ever being
 * added up here (components do no money math).
 */
export function formatMoneyDisplay(amount: string | null | undefined, currency = 'GBP'): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = '00'] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '−' : ''}${currency} ${grouped}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return '—';
  return (typeof value === 'string' ? value : value.toISOString()).slice(0, 10);
}
