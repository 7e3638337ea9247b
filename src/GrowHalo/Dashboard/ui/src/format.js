// Number and date formatting in the browser's locale and the tenant's reporting currency.
export function num(value) {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export function money(value, currency) {
  const n = num(value);
  if (n === null) return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency ?? ''}`.trim();
  }
}

export function count(value) {
  const n = num(value);
  return n === null ? '—' : new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(n);
}

export function ratio(value) {
  const n = num(value);
  return n === null ? '—' : `${new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)}×`;
}

export function percent(value, digits = 1) {
  const n = num(value);
  return n === null ? '—' : `${new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n)}%`;
}

export function formatAs(kind, value, currency) {
  if (kind === 'money') return money(value, currency);
  if (kind === 'ratio') return ratio(value);
  return count(value);
}

export function relativeTime(iso, now = Date.now()) {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return String(iso);
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const steps = [[60, 'minute'], [3600, 'hour'], [86400, 'day'], [86400 * 30, 'month']];
  let unit = 'second';
  let size = 1;
  for (const [s, u] of steps) if (Math.abs(seconds) >= s) { size = s; unit = u; }
  return rtf.format(-Math.round(seconds / size), unit);
}

export function clockTime(date = new Date()) {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
