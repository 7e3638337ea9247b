import { customerLink } from './customers.js';
import { describe } from './dates.js';
import { h } from './dom.js';
import { count, dateTime, duration, money, num, share } from './format.js';
import { createPanel, emptyState } from './states.js';

const list = (value) => (Array.isArray(value) ? value : []);
/** Only web links are followed; anything else in the answer is shown as text. */
const webUrl = (value) => (typeof value === 'string' && /^https?:\/\//i.test(value) ? value : null);

function stat(label, value, name, hint) {
  return h('article', { class: 'card stat', dataset: { stat: name }, title: hint ?? '' }, h('h3', {}, label), h('div', { class: 'stat-value' }, value));
}

function funnel(f) {
  const steps = [['carts', 'Carts'], ['checkouts', 'Checkouts'], ['orders', 'Orders']].map(([key, label]) => [key, label, num(f?.[key])]);
  const top = Math.max(1, ...steps.map(([, , v]) => v ?? 0));
  return h('ol', { class: 'funnel', id: 'checkout-funnel' }, steps.map(([key, label, value], i) => {
    const previous = i > 0 ? steps[i - 1][2] : null;
    return h('li', { dataset: { step: key, value: value ?? '' } },
      h('span', { class: 'funnel-label' }, label),
      h('span', { class: 'funnel-bar', style: { '--share': `${((value ?? 0) / top) * 100}%` } }),
      h('span', { class: 'funnel-value' }, count(value), previous ? h('span', { class: 'muted small' }, ` ${share((value ?? 0) / previous)} of ${steps[i - 1][1].toLowerCase()}`) : ''));
  }));
}

export function createCheckoutsPage(ctx) {
  const panel = createPanel('checkouts', { id: 'checkouts' });
  const asOf = h('p', { class: 'muted', id: 'checkouts-as-of' });
  const element = h('div', { class: 'page', id: 'page-checkouts', dataset: { page: 'checkouts' } },
    h('section', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Abandoned checkouts'), asOf),
      panel.body));

  function render(answer) {
    const currency = answer?.currency ?? ctx.currency();
    const { start, end } = ctx.range();
    asOf.textContent = [`Checkouts started ${describe({ start, end }, ctx.today())}`, answer?.as_of ? `data as of ${dateTime(answer.as_of)}` : ''].filter(Boolean).join(', ');
    const rows = list(answer?.data);
    if (!num(answer?.started) && !rows.length) return emptyState('No checkout was started in this period.');
    const stats = h('div', { class: 'stats', id: 'checkout-stats' },
      stat('Started', count(answer?.started), 'started'),
      stat('Abandoned', count(answer?.abandoned), 'abandoned'),
      stat('Recovered', count(answer?.recovered), 'recovered', 'Abandoned checkouts later completed by an order'),
      stat('Recovery rate', share(answer?.recovery_rate), 'recovery_rate', 'Recovered ÷ abandoned'),
      stat('Abandoned value', money(answer?.abandoned_value, currency), 'abandoned_value'),
      stat('Recovered revenue', money(answer?.recovered_revenue, currency), 'recovered_revenue'));
    const table = rows.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'checkout-list' },
        h('thead', {}, h('tr', {}, ['Started', 'Customer', 'Value', 'Age', 'Outcome', 'Checkout'].map((t, i) => h('th', { class: i === 2 || i === 3 ? 'num' : '' }, t)))),
        h('tbody', {}, rows.map((r) => h('tr', { dataset: { checkout: r.checkout_id ?? '', recovered: String(!!r.recovered) } },
          h('td', {}, dateTime(r.created_at)),
          h('td', { class: 'name' }, r.customer_key ? customerLink(ctx, r, r.email || r.customer_key) : (r.email || h('span', { class: 'muted' }, 'anonymous'))),
          h('td', { class: 'num' }, money(r.value, r.currency ?? currency)),
          h('td', { class: 'num' }, num(r.age_hours) === null ? '—' : duration(num(r.age_hours) * 3600)),
          h('td', {}, r.recovered
            ? h('span', { class: 'chip good' }, 'recovered', r.recovering_order_id ? ` · order ${r.recovering_order_id}` : '')
            : h('span', { class: 'chip warn' }, 'abandoned')),
          h('td', {}, webUrl(r.abandoned_checkout_url)
            ? h('a', { href: webUrl(r.abandoned_checkout_url), target: '_blank', rel: 'noopener noreferrer' }, 'Recovery link')
            : h('span', { class: 'muted mono small' }, r.checkout_id ?? '—')))))))
      : emptyState('No abandoned checkout in this period.');
    return [stats, h('h3', {}, 'Funnel'), funnel(answer?.funnel), h('h3', {}, 'Checkouts'), table];
  }

  function load(options = {}) {
    const { start, end } = ctx.range();
    return panel.load(() => ctx.get(`/api/v1/analytics/checkouts?start=${start}&end=${end}`), render, options);
  }

  return {
    element,
    enter() { load(); },
    refresh(options) { load(options); },
  };
}
