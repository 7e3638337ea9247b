import { churnChip, customerLink, displayName } from './customers.js';
import { h } from './dom.js';
import { count, dateTime, day, money, num, share } from './format.js';
import { createPanel, emptyState } from './states.js';

const list = (value) => (Array.isArray(value) ? value : []);
const STATUSES = [['active', 'Active', 'good'], ['at_risk', 'At risk', 'warn'], ['lost', 'Lost', 'bad']];

function stat(label, value, name, tone = '') {
  return h('article', { class: `card stat ${tone}`, dataset: { stat: name } }, h('h3', {}, label), h('div', { class: 'stat-value' }, value));
}

export function createChurnPage(ctx) {
  const panel = createPanel('churn', { id: 'churn' });
  const asOf = h('p', { class: 'muted', id: 'churn-as-of' });
  let loaded = false;
  const element = h('div', { class: 'page', id: 'page-churn', dataset: { page: 'churn' } },
    h('section', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Churn risk'), asOf),
      h('p', { class: 'muted small' }, 'Each customer\'s chance of still being active (p_alive), from a BG/NBD model fitted to all customers\' repeat orders, ',
        'and the orders they are expected to place in the next 90 days.'),
      panel.body));

  function render(answer) {
    loaded = true;
    const currency = answer?.currency ?? ctx.currency();
    asOf.textContent = [answer?.scored_at ? `Scored ${dateTime(answer.scored_at)}` : '', answer?.as_of ? `data as of ${dateTime(answer.as_of)}` : ''].filter(Boolean).join(', ');
    const d = answer?.distribution ?? {};
    const total = STATUSES.reduce((s, [key]) => s + (num(d[key]) ?? 0), 0);
    const rows = list(answer?.data);
    if (!total && !rows.length) return emptyState('No customer has been scored yet: scores need customers with counted orders.');
    const p = answer?.parameters;
    const note = answer?.trusted === false
      ? h('p', { class: 'note warn', id: 'churn-untrusted', role: 'note' }, h('strong', {}, 'The model\'s fit is not trusted'),
        num(answer?.repeat_customers) === null ? '' : ` (only ${count(answer.repeat_customers)} repeat customers)`,
        `. Statuses follow the simple rule instead${answer?.rule ? `: ${answer.rule}` : ''}. Treat p_alive as a rough guide.`)
      : answer?.rule ? h('p', { class: 'muted small' }, `Statuses: ${answer.rule}`) : null;
    const stats = h('div', { class: 'stats', id: 'churn-distribution' },
      STATUSES.map(([key, label, tone]) => stat(label, h('span', {}, count(d[key]), h('span', { class: 'muted small' }, total ? ` ${share((num(d[key]) ?? 0) / total)}` : '')), key, tone)),
      stat('At-risk revenue', money(answer?.at_risk_revenue, currency), 'at_risk_revenue', 'warn'));
    const table = rows.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'churn-customers' },
        h('thead', {}, h('tr', {}, ['Customer', 'Chance active', 'Expected orders (90 days)', 'Status', 'Lifetime revenue', 'Last order']
          .map((t, i) => h('th', { class: [1, 2, 4].includes(i) ? 'num' : '' }, t)))),
        h('tbody', {}, rows.map((r) => h('tr', { dataset: { customer: r.customer_key ?? '' } },
          h('td', { class: 'name' }, customerLink(ctx, r, r.email || displayName(r))),
          h('td', { class: 'num', dataset: { field: 'p_alive' } }, share(r.p_alive)),
          h('td', { class: 'num' }, num(r.expected_orders_90d) === null ? '—' : num(r.expected_orders_90d).toFixed(2)),
          h('td', {}, churnChip(r.status)),
          h('td', { class: 'num' }, money(r.lifetime_revenue, currency)),
          h('td', {}, day(r.last_order_date)))))))
      : emptyState('No customer is at risk right now.');
    return [note, stats, h('h3', {}, 'Customers at risk'), table,
      p ? h('p', { class: 'muted small mono', id: 'churn-parameters' }, `r=${p.r} α=${p.alpha} a=${p.a} b=${p.b}` +
        (num(answer?.log_likelihood) === null ? '' : ` · log-likelihood ${num(answer.log_likelihood).toFixed(1)}`)) : null];
  }

  const load = (options = {}) => panel.load(() => ctx.get('/api/v1/analytics/churn'), render, options);
  return {
    element,
    enter() { if (!loaded) load(); },
    refresh(options) { load(options); },
  };
}
