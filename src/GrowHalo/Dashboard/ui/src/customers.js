import { h, replace } from './dom.js';
import { count, dateTime, day, money, num, share } from './format.js';
import { segmented } from './period.js';
import { createPanel, emptyState } from './states.js';

const SORTS = [['lifetime_revenue', 'Lifetime revenue'], ['orders_count', 'Orders'], ['last_order_date', 'Last order'], ['first_order_date', 'First order']];
const list = (value) => (Array.isArray(value) ? value : []);
const path = (key) => `/api/v1/customers/${encodeURIComponent(key)}`;

/** A link to a customer's page; a plain click stays in the page (no reload), a middle click opens a tab. */
export function customerLink(ctx, row, text) {
  const key = row.customer_key;
  if (!key) return text;
  return h('a', {
    href: ctx.href('customers', { customer: key }), class: 'customer-link', dataset: { customer: key },
    onclick: (event) => { if (event.button === 0 && !event.metaKey && !event.ctrlKey) { event.preventDefault(); ctx.navigate('customers', { customer: key }); } },
  }, text);
}

export const displayName = (row) => row.name || row.email || row.shopify_customer_id || row.customer_key || 'Unknown customer';

const CHURN_TONES = { active: 'good', at_risk: 'warn', lost: 'bad' };
export const churnChip = (status) => (status
  ? h('span', { class: `chip ${CHURN_TONES[status] ?? ''}`, dataset: { churn: status } }, String(status).replace(/_/g, ' '))
  : h('span', { class: 'muted' }, '—'));
const segmentText = (rfm) => (rfm?.segment ? rfm.segment : '—');

/** Customer rows as /customers answers them (also segment members): who, where, how much, RFM and churn. */
export function customerTable(ctx, rows, currency, id = 'customers-table') {
  const head = [['Customer', ''], ['Location', ''], ['Orders', 'num'], ['Lifetime revenue', 'num'], ['AOV', 'num'],
    ['First order', ''], ['Last order', ''], ['RFM segment', ''], ['Churn', '']];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id },
    h('thead', {}, h('tr', {}, head.map(([t, c]) => h('th', { class: c }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { customer: r.customer_key ?? '' } },
      h('td', { class: 'name' }, customerLink(ctx, r, displayName(r)),
        r.name && r.email ? h('div', { class: 'muted small' }, r.email) : null),
      h('td', {}, [r.city, r.country].filter(Boolean).join(', ') || '—'),
      h('td', { class: 'num', dataset: { field: 'orders_count' } }, count(r.orders_count)),
      h('td', { class: 'num', dataset: { field: 'lifetime_revenue' }, title: r.missing_fx_rates ? 'Some orders lack an exchange rate and are left out' : '' },
        money(r.lifetime_revenue, currency), r.missing_fx_rates ? ' *' : ''),
      h('td', { class: 'num' }, money(r.avg_order_value, currency)),
      h('td', {}, day(r.first_order_date)),
      h('td', {}, day(r.last_order_date)),
      h('td', { dataset: { field: 'rfm' } }, segmentText(r.rfm)),
      h('td', {}, churnChip(r.churn?.status)))))));
}

export function createCustomersPage(ctx) {
  const state = { search: '', sort: 'lifetime_revenue', order: 'desc', pages: 1 };
  let rows = [];
  let nextCursor = null;
  let currency = ctx.currency();

  const search = h('input', { type: 'search', id: 'customer-search', placeholder: 'Search by e-mail or name', 'aria-label': 'Search customers', autocomplete: 'off' });
  const sort = h('select', { id: 'customer-sort', 'aria-label': 'Sort by', onchange: () => { state.sort = sort.value; load(); } },
    SORTS.map(([value, text]) => h('option', { value }, text)));
  const order = segmented('order', [['desc', 'High → low'], ['asc', 'Low → high']], state.order, (o) => { state.order = o; order.select(o); load(); }, 'Order');
  let typing = null;
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => { state.search = search.value.trim(); load(); }, 250); });
  const form = h('form', { class: 'toolbar', id: 'customer-tools', role: 'search', onsubmit: (e) => { e.preventDefault(); clearTimeout(typing); state.search = search.value.trim(); load(); } },
    search, h('label', { class: 'muted small', for: 'customer-sort' }, 'Sort by'), sort, order.element);

  const listPanel = createPanel('customers', { id: 'customers' });
  const more = h('button', { type: 'button', id: 'customers-more', hidden: true, onclick: loadMore }, 'More customers');
  const moreError = h('p', { class: 'form-error small', role: 'alert', hidden: true });
  const listView = h('section', { class: 'card', id: 'customer-list' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Customers'), h('p', { class: 'muted', id: 'customers-as-of' }, '')),
    form, listPanel.body, h('div', { class: 'more-row' }, more, moreError));

  const detailPanel = createPanel('this customer', { id: 'customer-detail' });
  const timelinePanel = createPanel('the timeline', { id: 'customer-timeline' });
  const detailView = h('div', { class: 'page-stack' },
    h('a', { href: ctx.href('customers', null), class: 'back', id: 'back-to-customers', onclick: (e) => { e.preventDefault(); ctx.navigate('customers', null); } }, '← All customers'),
    h('section', { class: 'card' }, detailPanel.body),
    h('section', { class: 'card' }, h('div', { class: 'section-head' }, h('h2', {}, 'Timeline'), h('p', { class: 'muted' }, 'Orders, refunds, checkouts and profile changes, newest first.')), timelinePanel.body));

  const element = h('div', { class: 'page', id: 'page-customers', dataset: { page: 'customers' } });
  let key = null;

  function url(cursor) {
    const p = new URLSearchParams({ sort: state.sort, order: state.order, limit: '50' });
    if (state.search) p.set('search', state.search);
    if (cursor) p.set('cursor', cursor);
    return `/api/v1/customers?${p}`;
  }

  function renderList() {
    more.hidden = !nextCursor;
    if (!rows.length) {
      return emptyState(state.search
        ? `No customer's e-mail or name starts with "${state.search}".`
        : 'No customers yet. They appear with their first order or customer record.');
    }
    return customerTable(ctx, rows, currency);
  }

  function load(options = {}) {
    state.pages = 1;
    moreError.hidden = true;
    return listPanel.load(() => ctx.get(url()), (page) => {
      rows = list(page?.data);
      nextCursor = page?.next_cursor ?? null;
      currency = page?.currency ?? ctx.currency();
      listView.querySelector('#customers-as-of').textContent = page?.as_of ? `Data as of ${dateTime(page.as_of)}` : '';
      return renderList();
    }, options);
  }

  async function loadMore() {
    if (!nextCursor) return;
    more.disabled = true;
    moreError.hidden = true;
    try {
      const page = await ctx.get(url(nextCursor));
      rows = rows.concat(list(page?.data));
      nextCursor = page?.next_cursor ?? null;
      state.pages++;
      replace(listPanel.body, renderList());
    } catch (error) {
      moreError.textContent = `Couldn't load more customers. ${error?.detail ?? error}`;
      moreError.hidden = false;
    } finally {
      more.disabled = false;
    }
  }

  function loadDetail(options = {}) {
    detailPanel.load(() => ctx.get(path(key)), (c) => renderDetail(ctx, c, c?.currency ?? ctx.currency()), options);
    timelinePanel.load(() => ctx.get(`${path(key)}/timeline`), (t) => renderTimeline(list(t?.data), t?.currency ?? ctx.currency()), options);
  }

  return {
    element,
    enter(params) {
      key = params.get('customer');
      if (key) {
        element.replaceChildren(detailView);
        loadDetail();
        return;
      }
      element.replaceChildren(listView);
      if (listPanel.body.dataset.state === 'loading' || !rows.length) load();
    },
    refresh({ quiet = false } = {}) {
      if (key) return loadDetail({ quiet });
      if (state.pages === 1) load({ quiet }); // a longer list stays as it is, rather than jump back to one page
    },
  };
}

function field(label, value, name) {
  return h('div', { class: 'field', dataset: { field: name } }, h('dt', {}, label), h('dd', {}, value ?? '—'));
}

function address(a) {
  if (!a || typeof a !== 'object') return String(a ?? '');
  return [a.address1, a.address2, a.city, a.province ?? a.province_code, a.zip, a.country ?? a.country_code].filter(Boolean).join(', ');
}

function renderDetail(ctx, c, currency) {
  if (!c) return emptyState('This customer has no data.');
  const tags = list(c.tags);
  const addresses = list(c.addresses);
  return [
    h('div', { class: 'section-head' }, h('h2', { id: 'customer-name' }, displayName(c)), h('span', { class: 'muted mono small' }, c.customer_key ?? '')),
    h('dl', { class: 'facts' },
      field('E-mail', c.email, 'email'),
      field('Phone', c.phone, 'phone'),
      field('Location', [c.city, c.country].filter(Boolean).join(', ') || null, 'location'),
      field('Accepts marketing', c.accepts_marketing === true ? 'Yes' : c.accepts_marketing === false ? 'No' : null, 'accepts_marketing'),
      field('Orders', count(c.orders_count), 'orders_count'),
      field('Lifetime revenue', money(c.lifetime_revenue, currency), 'lifetime_revenue'),
      field('Average order', money(c.avg_order_value, currency), 'avg_order_value'),
      field('First order', day(c.first_order_date), 'first_order_date'),
      field('Last order', day(c.last_order_date), 'last_order_date'),
      field('RFM', c.rfm ? `${c.rfm.segment ?? '—'} (R ${c.rfm.r ?? '?'}, F ${c.rfm.f ?? '?'}, M ${c.rfm.m ?? '?'})` : null, 'rfm'),
      field('Churn', c.churn ? h('span', {}, churnChip(c.churn.status), num(c.churn.p_alive) === null ? '' : ` ${share(c.churn.p_alive)} likely active`) : null, 'churn'),
      field('Shopify id', c.shopify_customer_id, 'shopify_customer_id')),
    tags.length ? h('p', { class: 'tags', id: 'customer-tags' }, tags.map((t) => h('span', { class: 'chip' }, String(t)))) : null,
    addresses.length ? h('div', {}, h('h3', {}, 'Addresses'), h('ul', { class: 'plain', id: 'customer-addresses' }, addresses.map((a) => h('li', {}, address(a))))) : null,
  ];
}

const KINDS = {
  order_created: 'Order placed', order_edited: 'Order edited', order_cancelled: 'Order cancelled', refund: 'Refund',
  checkout_started: 'Checkout started', checkout_completed: 'Checkout completed', checkout_abandoned: 'Checkout abandoned',
  checkout_recovered: 'Checkout recovered', customer_updated: 'Profile updated', customer_created: 'Customer created',
};
const TONES = { order_cancelled: 'bad', refund: 'bad', checkout_abandoned: 'warn', checkout_recovered: 'good', order_created: 'good' };
const MONEY = /(amount|price|total|value|revenue|refund|spend|subtotal)/;
const HIDDEN = new Set(['at', 'kind', 'currency']);
const words = (kind) => String(kind ?? 'event').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** One entry's details: amounts in money, other plain values as "name: value"; nested values are left out. */
function details(entry, currency) {
  return Object.entries(entry)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== null && v !== undefined && v !== '' && typeof v !== 'object')
    .map(([k, v]) => (MONEY.test(k) && num(v) !== null
      ? h('span', { class: 'amount', dataset: { field: k } }, `${words(k)} ${money(v, entry.currency ?? currency)}`)
      : h('span', { class: 'muted', dataset: { field: k } }, `${words(k)}: ${v}`)));
}

function renderTimeline(entries, currency) {
  if (!entries.length) return emptyState('Nothing has happened for this customer yet.');
  return h('ol', { class: 'timeline' }, entries.map((e) => h('li', { dataset: { kind: e.kind ?? '' }, class: TONES[e.kind] ?? '' },
    h('time', { class: 'muted small', datetime: e.at ?? '' }, dateTime(e.at)),
    h('strong', {}, KINDS[e.kind] ?? words(e.kind)),
    h('span', { class: 'details' }, details(e, currency)))));
}
