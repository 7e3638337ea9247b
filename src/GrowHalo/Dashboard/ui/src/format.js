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

/** A calendar day ('YYYY-MM-DD') as "Mar 12, 2026" in the browser's locale; never shifted by the browser's zone. */
export function day(value) {
  if (!value) return '—';
  const d = new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

/** An instant as "Mar 12, 14:05" (with the year when it is not this year's), in the browser's time zone. */
export function dateTime(iso, now = new Date()) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return d.toLocaleString(undefined, opts);
}

/** A span of seconds in words: "25 s", "4 min", "2 h 5 min", "3 days". */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) {
    const hours = Math.floor(s / 3600);
    const minutes = Math.round((s % 3600) / 60);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.round(s / 86400);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** A fraction (0.25) as a percentage ("25.0%"). */
export const share = (fraction, digits = 1) => (num(fraction) === null ? '—' : percent(num(fraction) * 100, digits));
