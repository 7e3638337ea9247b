// Calendar days as 'YYYY-MM-DD' strings. Arithmetic happens in UTC so the browser's own time zone never shifts
// a day; "today" comes from the server, in the tenant's time zone.
const DAY = 86_400_000;

export const parseDay = (s) => new Date(`${s}T00:00:00Z`);
export const formatDay = (d) => d.toISOString().slice(0, 10);
export const addDays = (s, n) => formatDay(new Date(parseDay(s).getTime() + n * DAY));
export const daysBetween = (a, b) => Math.round((parseDay(b) - parseDay(a)) / DAY);
export const isDay = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s ?? '') && !Number.isNaN(parseDay(s).getTime());

/** The window a period covers: presets are the N days ending today, custom is as chosen. */
export function rangeOf(period, today) {
  if (period.days) return { start: addDays(today, -(period.days - 1)), end: today };
  return { start: period.start, end: period.end };
}

export function label(day, granularity) {
  const d = parseDay(day);
  if (Number.isNaN(d.getTime())) return String(day);
  const opts = granularity === 'monthly' ? { month: 'short', year: 'numeric' } : { month: 'short', day: 'numeric' };
  const text = d.toLocaleDateString(undefined, { ...opts, timeZone: 'UTC' });
  return granularity === 'weekly' ? `wk ${text}` : text;
}

export function describe(period, today) {
  if (period.days) return `last ${period.days} days`;
  const fmt = (s) => parseDay(s).toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  return `${fmt(period.start)} – ${fmt(period.end)}${period.end === today ? ' (today)' : ''}`;
}
