import { code, h, replace } from './dom.js';
import { count, dateTime, day, duration, num, relativeTime } from './format.js';
import { platformName } from './breakdown.js';
import { emptyState, errorState, loadingState } from './states.js';
import { createSyncRuns } from './sync.js';

const list = (value) => (Array.isArray(value) ? value : []);

function statusTone(status) {
  const s = String(status ?? '').toLowerCase();
  if (['active', 'ok', 'connected', 'healthy', 'syncing'].includes(s)) return 'good';
  if (['error', 'failed', 'failing', 'disconnected', 'revoked'].includes(s)) return 'bad';
  return 'neutral';
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isDay = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * Where a poller stands, from its position: Shopify keeps {orders: {updated_at_min, page_info?}, customers: …} (all
 * records updated before updated_at_min are in), Meta and Google keep {synced_through: day, chunk?: {since, until}}.
 * Answers [what is synced, what is under way], either null.
 */
function positionWords(position) {
  if (!isObject(position)) return [null, null];
  if (isDay(position.synced_through) || isObject(position.chunk)) {
    const synced = isDay(position.synced_through) ? `synced through ${day(position.synced_through)}` : null;
    const chunk = position.chunk;
    const loading = isObject(chunk) && isDay(chunk.since) ? `loading ${day(chunk.since)} – ${day(chunk.until ?? chunk.since)}` : null;
    return [synced, loading];
  }
  const resources = Object.entries(typeof position.updated_at_min === 'string' ? { records: position } : position)
    .filter(([, v]) => isObject(v) && typeof v.updated_at_min === 'string');
  if (!resources.length) return [null, null];
  const oldest = resources.map(([, v]) => v.updated_at_min).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const paging = resources.filter(([, v]) => v.page_info).map(([name]) => name);
  return [`synced through ${dateTime(oldest)}`, paging.length ? `loading ${paging.join(', ')} page by page` : null];
}

/**
 * A connection's cursor in words ("synced through Mar 12, 14:05 · next attempt in 25 s"). The status API answers
 * {position, last_success_at, error_count, next_attempt_at}; a bare position (older servers) reads the same.
 */
export function cursorWords(cursor, now = Date.now()) {
  if (!isObject(cursor)) return cursor === null || cursor === undefined ? 'not polled' : String(cursor);
  const wrapped = 'position' in cursor || 'next_attempt_at' in cursor || 'last_success_at' in cursor;
  const [synced, loading] = positionWords(wrapped ? cursor.position : cursor);
  const words = [];
  words.push(synced ?? (cursor.last_success_at ? 'synced' : 'nothing synced yet'));
  if (loading) words.push(loading);
  if (cursor.last_success_at) words.push(`last success ${relativeTime(cursor.last_success_at, now)}`);
  const failures = num(cursor.error_count) ?? 0;
  if (failures > 0) words.push(`${failures} failed attempt${failures === 1 ? '' : 's'} in a row`);
  const next = Date.parse(cursor.next_attempt_at ?? '');
  if (!Number.isNaN(next)) words.push(next - now > 1000 ? `next attempt in ${duration((next - now) / 1000)}` : 'next attempt due now');
  else if (wrapped && !synced && !cursor.last_success_at) return 'not polled (webhooks and batches only)';
  return words.join(', ');
}

function connectionsTable(connections, sync) {
  if (!connections.length) {
    return emptyState('No source connected yet. Create one with ', code('POST /api/v1/ingest/connections'),
      ' (Shopify, Meta or Google Ads) using an admin key, or upload events to ', code('POST /api/v1/ingest/batch'), '.');
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'connections' },
    h('thead', {}, h('tr', {}, ['Connection', 'Status', 'Events', 'Last event', 'Sync', 'Last error', 'Sync now'].map((t) => h('th', { class: t === 'Events' ? 'num' : '' }, t)))),
    h('tbody', {}, connections.map((c) => h('tr', { dataset: { connection: c.id ?? '' } },
      h('td', { class: 'name' }, h('div', {}, c.display_name || `${platformName(c.source)} ${c.external_account_id ?? ''}`.trim()),
        h('div', { class: 'muted small' }, `${platformName(c.source)}${c.external_account_id ? ` · ${c.external_account_id}` : ''}`)),
      h('td', {}, h('span', { class: `chip ${statusTone(c.status)}` }, c.status ?? 'unknown')),
      h('td', { class: 'num', dataset: { field: 'events_received' } }, count(c.events_received)),
      h('td', { title: c.last_event_at ?? '' }, c.last_event_at ? relativeTime(c.last_event_at) : 'waiting for the first event'),
      h('td', { class: 'small cursor', dataset: { field: 'cursor' }, title: c.cursor ? JSON.stringify(c.cursor) : '' }, cursorWords(c.cursor)),
      h('td', { class: c.last_error ? 'bad small' : 'muted small' }, c.last_error || '—'),
      sync.cell(c.id ?? ''))))));
}

function projectionsTable(projections) {
  if (!projections.length) return emptyState('No projection reported.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data compact', id: 'projections' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Projection'), h('th', { class: 'num' }, 'Lag (events)'), h('th', { class: 'num' }, 'Lag (seconds)'), h('th', { class: 'num' }, 'Failures'))),
    h('tbody', {}, projections.map((p) => h('tr', {},
      h('td', { class: 'mono' }, p.name ?? '?'),
      h('td', { class: 'num' }, count(p.lag_events)),
      h('td', { class: 'num' }, num(p.lag_seconds) === null ? '—' : num(p.lag_seconds).toFixed(1)),
      h('td', { class: `num ${num(p.failures) > 0 ? 'bad' : ''}` }, count(p.failures)))))));
}

function rejectionsList(rejections) {
  if (!rejections.length) return emptyState('No rejected events recently.');
  return h('ul', { class: 'rejections', id: 'rejections' }, rejections.slice(0, 20).map((r) => h('li', {},
    h('span', { class: 'muted small', title: r.at ?? '' }, relativeTime(r.at)),
    h('span', { class: 'mono small' }, `batch ${String(r.batch_id ?? '?').slice(0, 8)} #${r.index ?? '?'}`),
    h('span', { class: 'bad' }, r.reason ?? 'rejected'))));
}

export function createIngestion() {
  const body = h('div', { class: 'ingestion-body' });
  const sync = createSyncRuns();
  let attached = false;
  const element = h('section', { class: 'card ingestion', id: 'ingestion' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Ingestion'), h('p', { class: 'muted' }, 'What each source has sent, where its sync stands, and how far the read models are behind.')),
    sync.keyForm, body);
  return {
    element,
    loading() {
      replace(body, loadingState());
    },
    show(status) {
      sync.forget();
      replace(body,
        h('h3', {}, 'Connections'), connectionsTable(list(status?.connections), sync),
        h('div', { class: 'split' },
          h('div', {}, h('h3', {}, 'Projections'), projectionsTable(list(status?.projections))),
          h('div', {}, h('h3', {}, 'Recent rejections'), rejectionsList(list(status?.recent_rejections)))));
      if (!attached) { attached = true; sync.reattach(); }
    },
    error(error, onRetry) {
      replace(body, errorState('ingestion status', error, onRetry));
    },
  };
}
