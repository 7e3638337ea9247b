import { addDays } from './dates.js';
import { h } from './dom.js';
import { count, dateTime, day, money, num, ratio, share } from './format.js';
import { segmented } from './period.js';
import { createPanel, emptyState } from './states.js';

const list = (value) => (Array.isArray(value) ? value : []);
const METRICS = [
  ['retention', 'Retention', (v) => share(v)],
  ['cumulative_revenue_per_customer', 'Revenue per customer', null], // money, in the answer's currency
  ['ltv_to_cac', 'LTV ÷ CAC', (v) => ratio(v)],
];
const SPANS = [[6, '6 months'], [12, '12 months'], [24, '24 months']];

const cohortLabel = (start, granularity) => {
  const d = new Date(`${start}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return String(start);
  return granularity === 'week' ? `wk ${day(start)}` : d.toLocaleDateString(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
};

/** Each cell's shade: the value over the table's largest (retention over 1), 0–1, set as --heat. */
function heatOf(metric, value, max) {
  const n = num(value);
  if (n === null) return null;
  if (metric === 'retention') return Math.max(0, Math.min(1, n));
  return max > 0 ? Math.max(0, Math.min(1, n / max)) : 0;
}

export function createCohortsPage(ctx) {
  const view = { granularity: 'month', metric: 'retention', months: 12 };
  let last = null;
  const panel = createPanel('cohorts', { id: 'cohorts' });
  const granularity = segmented('cohortGranularity', [['month', 'Monthly'], ['week', 'Weekly']], view.granularity,
    (g) => { view.granularity = g; granularity.select(g); load(); }, 'Cohort size');
  const span = segmented('cohortSpan', SPANS, view.months, (m) => { view.months = m; span.select(m); load(); }, 'Cohorts since');
  const metric = segmented('cohortMetric', METRICS.map(([id, text]) => [id, text]), view.metric,
    (m) => { view.metric = m; metric.select(m); if (last) panel.load(async () => last, render, { quiet: true }); }, 'Shown in the cells');
  const asOf = h('p', { class: 'muted', id: 'cohorts-as-of' });

  const element = h('div', { class: 'page', id: 'page-cohorts', dataset: { page: 'cohorts' } },
    h('section', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Cohorts'), asOf),
      h('p', { class: 'muted small' }, 'Customers grouped by the month (or week) of their first counted order. Period 0 is that first month; each later column is a month after. ',
        'CAC is the ad spend of the first period ÷ the cohort\'s size; payback is the first period whose cumulative revenue per customer reaches the CAC.'),
      h('div', { class: 'toolbar' }, granularity.element, span.element, h('span', { class: 'muted small' }, 'Show'), metric.element),
      panel.body));

  function url() {
    const end = ctx.today();
    const start = addDays(end, -Math.round(view.months * 30.44));
    return `/api/v1/analytics/cohorts?start=${start}&end=${end}&granularity=${view.granularity}`;
  }

  function render(answer) {
    last = answer;
    asOf.textContent = answer?.as_of ? `Data as of ${dateTime(answer.as_of)}` : '';
    const cohorts = list(answer?.data);
    if (!cohorts.length) return emptyState('No cohorts in this range: cohorts start with customers\' first counted orders.');
    const currency = answer?.currency ?? ctx.currency();
    const spec = METRICS.find(([id]) => id === view.metric);
    const format = spec[2] ?? ((v) => money(v, currency));
    const periods = Math.max(...cohorts.map((c) => list(c.periods).length));
    const max = Math.max(0, ...cohorts.flatMap((c) => list(c.periods).map((p) => num(p[view.metric]) ?? 0)));
    const unit = (answer?.granularity ?? view.granularity) === 'week' ? 'Week' : 'Month';
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data heatmap', id: 'cohort-table', dataset: { metric: view.metric } },
      h('thead', {}, h('tr', {},
        h('th', {}, 'Cohort'), h('th', { class: 'num' }, 'Customers'), h('th', { class: 'num' }, 'CAC'), h('th', { class: 'num' }, 'Payback'),
        Array.from({ length: periods }, (_, k) => h('th', { class: 'num' }, `${unit} ${k}`)))),
      h('tbody', {}, cohorts.map((c) => {
        const byK = new Map(list(c.periods).map((p) => [num(p.k), p]));
        return h('tr', { dataset: { cohort: c.cohort ?? '' } },
          h('th', { scope: 'row' }, cohortLabel(c.cohort, answer?.granularity ?? view.granularity)),
          h('td', { class: 'num' }, count(c.size)),
          h('td', { class: 'num', dataset: { field: 'cac' }, title: `Ad spend ${money(c.ad_spend, currency)}` }, money(c.cac, currency)),
          h('td', { class: 'num', dataset: { field: 'payback' } }, num(c.payback_period) === null ? 'not yet' : `${unit.toLowerCase()} ${c.payback_period}`),
          Array.from({ length: periods }, (_, k) => {
            const p = byK.get(k);
            if (!p) return h('td', { class: 'num cell none' });
            const value = p[view.metric];
            const heat = heatOf(view.metric, value, max);
            return h('td', {
              class: `num cell${heat !== null && heat > 0.55 ? ' hot' : ''}`, dataset: { k: String(k), value: value ?? '' },
              style: heat === null ? null : { '--heat': heat.toFixed(3) },
              title: `${count(p.active_customers)} active · revenue ${money(p.revenue, currency)}`,
            }, format(value));
          }));
      }))));
  }

  function load(options = {}) {
    return panel.load(() => ctx.get(url()), render, options);
  }

  return {
    element,
    enter() { if (!last) load(); },
    refresh(options) { load(options); },
  };
}
