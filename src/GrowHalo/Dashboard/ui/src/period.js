import { daysBetween, isDay, rangeOf } from './dates.js';
import { h } from './dom.js';

export const PRESETS = [7, 30, 90];
export const GRANULARITIES = ['daily', 'weekly', 'monthly'];

/** A row of toggle buttons; aria-pressed marks the chosen one. name is camelCase: data-some-name on each button. */
export function segmented(name, options, selected, onSelect, label = name) {
  const buttons = options.map(([value, text]) => h('button', {
    type: 'button', class: 'seg-btn', 'aria-pressed': String(value === selected), dataset: { [name]: String(value) },
    onclick: () => onSelect(value),
  }, text));
  return {
    element: h('div', { class: 'seg', role: 'group', 'aria-label': label }, buttons),
    select(value) {
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset[name] === String(value)));
    },
  };
}

/** The period picker: 7/30/90 days or a custom range of days (inclusive), validated before it is applied. */
export function createPeriodPicker({ today, period, onChange }) {
  const start = h('input', { type: 'date', id: 'custom-start', 'aria-label': 'First day', max: today });
  const end = h('input', { type: 'date', id: 'custom-end', 'aria-label': 'Last day', max: today });
  const error = h('span', { class: 'form-error small', role: 'alert', hidden: true });
  const custom = h('form', { class: 'custom-range', id: 'custom-range', hidden: true, onsubmit: apply },
    start, h('span', { class: 'muted' }, '–'), end, h('button', { type: 'submit', class: 'small-btn', id: 'apply-range' }, 'Apply'), error);
  const seg = segmented('period', [...PRESETS.map((d) => [d, `${d} days`]), ['custom', 'Custom']], period.days ?? 'custom', choose);

  function choose(value) {
    if (value === 'custom') {
      const r = rangeOf(period, today);
      start.value = r.start;
      end.value = r.end;
      custom.hidden = false;
      seg.select('custom');
      start.focus();
      return;
    }
    custom.hidden = true;
    seg.select(value);
    period = { days: value };
    onChange(period);
  }

  function apply(event) {
    event.preventDefault();
    const s = start.value;
    const e = end.value;
    const problem = !isDay(s) || !isDay(e) ? 'Pick both days.'
      : s > e ? 'The first day must come before the last.'
        : daysBetween(s, e) > 730 ? 'Pick at most two years.' : null;
    error.hidden = !problem;
    error.textContent = problem ?? '';
    if (problem) return;
    period = { start: s, end: e };
    onChange(period);
  }

  if (!period.days) {
    start.value = period.start;
    end.value = period.end;
    custom.hidden = false;
  }
  return {
    element: h('div', { class: 'period-picker' }, seg.element, custom),
    setToday(day) {
      today = day;
      start.max = day;
      end.max = day;
    },
  };
}

/** The dashboard's pages, in the order of the navigation; the first is the one a bare address shows. */
export const PAGES = [
  ['overview', 'Overview'], ['customers', 'Customers'], ['cohorts', 'Cohorts'], ['rfm', 'RFM'], ['churn', 'Churn'],
  ['segments', 'Segments'], ['checkouts', 'Checkouts'], ['privacy', 'Privacy'], ['settings', 'Settings'],
];
/** The pages that follow the period picker. */
export const PERIOD_PAGES = ['overview', 'checkouts'];

/**
 * View state kept in the address bar's hash, so a reload or a shared link shows the same page and period:
 * #period=30&granularity=daily (the overview), #page=customers&customer=id%3A42, #page=checkouts&period=7.
 * params holds the page's own parameters (everything but page, period, start, end and granularity).
 */
export function readViewState(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const page = PAGES.some(([id]) => id === p.get('page')) ? p.get('page') : 'overview';
  const days = Number(p.get('period'));
  const granularity = GRANULARITIES.includes(p.get('granularity')) ? p.get('granularity') : 'daily';
  const params = new URLSearchParams(p);
  for (const key of ['page', 'period', 'start', 'end', 'granularity']) params.delete(key);
  if (isDay(p.get('start')) && isDay(p.get('end')) && p.get('start') <= p.get('end'))
    return { page, period: { start: p.get('start'), end: p.get('end') }, granularity, params };
  return { page, period: { days: PRESETS.includes(days) ? days : 30 }, granularity, params };
}

export function viewHash({ page = 'overview', period, granularity, params }) {
  const p = new URLSearchParams();
  if (page !== 'overview') p.set('page', page);
  if (PERIOD_PAGES.includes(page)) {
    if (period.days) p.set('period', period.days);
    else { p.set('start', period.start); p.set('end', period.end); }
  }
  if (page === 'overview') p.set('granularity', granularity);
  for (const [key, value] of new URLSearchParams(params ?? '')) if (value !== '') p.set(key, value);
  return `#${p}`;
}

/** Writes the view into the address bar: replacing the entry, or (push) as a new one that Back returns from. */
export function writeViewState(view, push = false) {
  const url = `${location.pathname}${location.search}${viewHash(view)}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
