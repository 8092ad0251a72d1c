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

/** A rate stored as a fraction ("0.0500") shown as a percentage: "5 %", "2.5 %". */
export function formatRate(rate: string | null | undefined): string {
  if (rate === null || rate === undefined || rate === '') return '—';
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) return rate;
  // move the decimal point two places (string arithmetic: no float)
  const digits = `${match[2]}${(match[3] ?? '').padEnd(2, '0')}`;
  const whole = digits.slice(0, match[2]!.length + 2).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(match[2]!.length + 2).replace(/0+$/, '');
  return `${match[1]}${whole}${fraction ? `.${fraction}` : ''} %`;
}

/** A quantity without trailing zeros: "12.5000" → "12.5", "3.0000" → "3". */
export function formatQuantity(quantity: string | null | undefined): string {
  if (quantity === null || quantity === undefined || quantity === '') return '—';
  return quantity.includes('.') ? quantity.replace(/\.?0+$/, '') : quantity;
}
