import { daysBetween, isDay, rangeOf } from './dates.js';
import { h } from './dom.js';

export const PRESETS = [7, 30, 90];
export const GRANULARITIES = ['daily', 'weekly', 'monthly'];

/** A row of toggle buttons; aria-pressed marks the chosen one. */
export function segmented(name, options, selected, onSelect) {
  const buttons = options.map(([value, text]) => h('button', {
    type: 'button', class: 'seg-btn', 'aria-pressed': String(value === selected), dataset: { [name]: String(value) },
    onclick: () => onSelect(value),
  }, text));
  return {
    element: h('div', { class: 'seg', role: 'group', 'aria-label': name }, buttons),
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

/** View state kept in the address bar's hash, so a reload or a shared link shows the same period. */
export function readViewState(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const days = Number(p.get('period'));
  const granularity = GRANULARITIES.includes(p.get('granularity')) ? p.get('granularity') : 'daily';
  if (isDay(p.get('start')) && isDay(p.get('end')) && p.get('start') <= p.get('end'))
    return { period: { start: p.get('start'), end: p.get('end') }, granularity };
  return { period: { days: PRESETS.includes(days) ? days : 30 }, granularity };
}

export function writeViewState({ period, granularity }) {
  const p = new URLSearchParams(period.days ? { period: period.days } : { start: period.start, end: period.end });
  p.set('granularity', granularity);
  history.replaceState(null, '', `${location.pathname}${location.search}#${p}`);
}
