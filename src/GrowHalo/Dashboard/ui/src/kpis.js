import { h, replace } from './dom.js';
import { formatAs, num, percent } from './format.js';
import { errorState } from './states.js';

// better: which direction of change is good news for the brand.
export const KPIS = [
  { key: 'revenue', label: 'Revenue', kind: 'money', better: 'up', hint: 'Net of refunds' },
  { key: 'orders_count', label: 'Orders', kind: 'count', better: 'up', hint: 'Excluding test and cancelled orders' },
  { key: 'new_customers', label: 'New customers', kind: 'count', better: 'up', hint: 'First order in the period' },
  { key: 'ad_spend', label: 'Ad spend', kind: 'money', better: 'down', hint: 'All ad platforms' },
  { key: 'roas', label: 'ROAS', kind: 'ratio', better: 'up', hint: 'Revenue ÷ ad spend (blended)' },
  { key: 'cac', label: 'CAC', kind: 'money', better: 'down', hint: 'Ad spend ÷ new customers' },
  { key: 'avg_order_value', label: 'AOV', kind: 'money', better: 'up', hint: 'Revenue ÷ orders' },
];

/** The period-over-period change in percent: the API's when given, else derived the same way; null when undefined. */
export function changeOf(summary, key) {
  const given = summary?.changes?.[key];
  if (given !== undefined) return num(given);
  const current = num(summary?.current?.[key]);
  const previous = num(summary?.previous?.[key]);
  if (current === null || previous === null || previous === 0) return null;
  return ((current - previous) / Math.abs(previous)) * 100;
}

export function toneOf(change, better) {
  if (change === null || Math.abs(change) < 0.05) return 'neutral';
  return (change > 0) === (better === 'up') ? 'good' : 'bad';
}

export function createKpis() {
  const cards = new Map(KPIS.map((k) => [k.key, card(k)]));
  const note = h('p', { class: 'kpi-note', hidden: true });
  const element = h('section', { class: 'kpis', id: 'kpis', 'aria-label': 'Key figures' }, [...cards.values()].map((c) => c.el), note);

  function card(kpi) {
    const value = h('div', { class: 'kpi-value' }, ' ');
    const delta = h('div', { class: 'kpi-delta' }, ' ');
    const el = h('article', { class: 'card kpi', dataset: { kpi: kpi.key, state: 'loading' }, title: kpi.hint },
      h('h3', {}, kpi.label), value, delta);
    return { el, value, delta, kpi };
  }

  return {
    element,
    loading() {
      note.hidden = true;
      for (const c of cards.values()) c.el.dataset.state = 'loading';
    },
    show(summary, currency, periodText) {
      note.hidden = true;
      for (const c of cards.values()) {
        const raw = summary?.current?.[c.kpi.key];
        const previous = summary?.previous?.[c.kpi.key];
        const change = changeOf(summary, c.kpi.key);
        const tone = toneOf(change, c.kpi.better);
        c.el.dataset.state = 'ready';
        c.el.dataset.value = raw === null || raw === undefined ? '' : String(raw);
        c.el.dataset.change = change === null ? '' : String(change);
        c.el.dataset.tone = tone;
        c.value.textContent = formatAs(c.kpi.kind, raw, currency);
        c.value.title = c.value.textContent;
        const arrow = change === null ? '' : change > 0 ? '▲ ' : change < 0 ? '▼ ' : '';
        replace(c.delta,
          h('span', { class: `chip ${tone}` }, change === null ? 'n/a' : arrow + percent(Math.abs(change))),
          h('span', { class: 'muted' }, ` vs ${formatAs(c.kpi.kind, previous, currency)} the ${periodText} before`));
      }
    },
    error(error, onRetry) {
      for (const c of cards.values()) {
        c.el.dataset.state = 'error';
        c.value.textContent = '—';
        c.delta.textContent = ' ';
      }
      note.hidden = false;
      replace(note, errorState('the key figures', error, onRetry));
    },
  };
}
