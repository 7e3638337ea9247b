import { h } from './dom.js';
import { count, dateTime, day, money, num, share } from './format.js';
import { createPanel, emptyState } from './states.js';

const list = (value) => (Array.isArray(value) ? value : []);

export function createRfmPage(ctx) {
  const panel = createPanel('RFM', { id: 'rfm' });
  const asOf = h('p', { class: 'muted', id: 'rfm-as-of' });
  let loaded = false;
  const element = h('div', { class: 'page', id: 'page-rfm', dataset: { page: 'rfm' } },
    h('section', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', {}, 'RFM'), asOf),
      h('p', { class: 'muted small' }, 'Customers scored 1–5 on recency (R: how recently they last ordered) and frequency (F: how many counted orders), ',
        'each score by the share of customers strictly worse; 5 is best. Each cell shows its customers and their lifetime net revenue.'),
      panel.body));

  function render(answer) {
    loaded = true;
    const currency = answer?.currency ?? ctx.currency();
    asOf.textContent = [answer?.as_of ? `Scored as of ${day(answer.as_of)}` : '', answer?.data_as_of ? `data as of ${dateTime(answer.data_as_of)}` : ''].filter(Boolean).join(', ');
    const cells = list(answer?.grid);
    const total = num(answer?.customers) ?? cells.reduce((s, c) => s + (num(c.customers) ?? 0), 0);
    if (!total) return emptyState('No customer has a counted order yet, so there is nothing to score.');
    const at = new Map(cells.map((c) => [`${c.r}:${c.f}`, c]));
    const max = Math.max(1, ...cells.map((c) => num(c.customers) ?? 0));
    const grid = h('div', { class: 'table-wrap' }, h('table', { class: 'rfm-grid', id: 'rfm-grid' },
      h('caption', { class: 'muted small' }, `${count(total)} customers`),
      h('thead', {}, h('tr', {}, h('th', {}, 'R ↓ / F →'), [1, 2, 3, 4, 5].map((f) => h('th', { scope: 'col' }, `F ${f}`)))),
      h('tbody', {}, [5, 4, 3, 2, 1].map((r) => h('tr', {}, h('th', { scope: 'row' }, `R ${r}`), [1, 2, 3, 4, 5].map((f) => {
        const c = at.get(`${r}:${f}`) ?? { customers: 0, revenue: 0 };
        const customers = num(c.customers) ?? 0;
        const heat = customers / max;
        return h('td', { class: `cell${heat > 0.55 ? ' hot' : ''}`, dataset: { r: String(r), f: String(f), customers: String(customers) }, style: { '--heat': heat.toFixed(3) } },
          h('div', { class: 'cell-count' }, count(customers)), h('div', { class: 'cell-money small' }, money(c.revenue, currency)));
      }))))));
    const segments = list(answer?.segments);
    const table = h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'rfm-segments' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Segment'), h('th', {}, 'Cells'), h('th', { class: 'num' }, 'Customers'), h('th', { class: 'num' }, 'Share'), h('th', { class: 'num' }, 'Revenue'))),
      h('tbody', {}, segments.map((s) => h('tr', { dataset: { segment: s.name ?? '' } },
        h('td', { class: 'name' }, s.name ?? '—'), h('td', { class: 'muted' }, s.rule ?? ''),
        h('td', { class: 'num', dataset: { field: 'customers' } }, count(s.customers)),
        h('td', { class: 'num' }, share(s.share)),
        h('td', { class: 'num' }, money(s.revenue, currency)))))));
    return [h('div', { class: 'split rfm' }, h('div', {}, h('h3', {}, 'Recency × frequency'), grid), h('div', {}, h('h3', {}, 'Segments'), table))];
  }

  const load = (options = {}) => panel.load(() => ctx.get('/api/v1/analytics/rfm'), render, options);
  return {
    element,
    enter() { if (!loaded) load(); },
    refresh(options) { load(options); },
  };
}
