import { code, h, replace } from './dom.js';
import { count, num, relativeTime } from './format.js';
import { platformName } from './breakdown.js';
import { emptyState, errorState, loadingState } from './states.js';

const list = (value) => (Array.isArray(value) ? value : []);

function statusTone(status) {
  const s = String(status ?? '').toLowerCase();
  if (['active', 'ok', 'connected', 'healthy', 'syncing'].includes(s)) return 'good';
  if (['error', 'failed', 'failing', 'disconnected', 'revoked'].includes(s)) return 'bad';
  return 'neutral';
}

/** A cursor is whatever a connector keeps to resume; show its fields compactly, the full JSON on hover. */
function cursorText(cursor) {
  if (cursor === null || cursor === undefined) return '—';
  if (typeof cursor !== 'object') return String(cursor);
  const entries = Object.entries(cursor).filter(([, v]) => v !== null && v !== undefined);
  if (!entries.length) return '—';
  return entries.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
}

function connectionsTable(connections) {
  if (!connections.length) {
    return emptyState('No source connected yet. Create one with ', code('POST /api/v1/ingest/connections'),
      ' (Shopify, Meta or Google Ads) using an admin key, or upload events to ', code('POST /api/v1/ingest/batch'), '.');
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'connections' },
    h('thead', {}, h('tr', {}, ['Connection', 'Status', 'Events', 'Last event', 'Cursor', 'Last error'].map((t) => h('th', { class: t === 'Events' ? 'num' : '' }, t)))),
    h('tbody', {}, connections.map((c) => h('tr', { dataset: { connection: c.id ?? '' } },
      h('td', { class: 'name' }, h('div', {}, c.display_name || `${platformName(c.source)} ${c.external_account_id ?? ''}`.trim()),
        h('div', { class: 'muted small' }, `${platformName(c.source)}${c.external_account_id ? ` · ${c.external_account_id}` : ''}`)),
      h('td', {}, h('span', { class: `chip ${statusTone(c.status)}` }, c.status ?? 'unknown')),
      h('td', { class: 'num', dataset: { field: 'events_received' } }, count(c.events_received)),
      h('td', { title: c.last_event_at ?? '' }, c.last_event_at ? relativeTime(c.last_event_at) : 'waiting for the first event'),
      h('td', { class: 'mono small cursor', title: c.cursor ? JSON.stringify(c.cursor) : '' }, cursorText(c.cursor)),
      h('td', { class: c.last_error ? 'bad small' : 'muted small' }, c.last_error || '—'))))));
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
  const element = h('section', { class: 'card ingestion', id: 'ingestion' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Ingestion'), h('p', { class: 'muted' }, 'What each source has sent, where its sync stands, and how far the read models are behind.')),
    body);
  return {
    element,
    loading() {
      replace(body, loadingState());
    },
    show(status) {
      replace(body,
        h('h3', {}, 'Connections'), connectionsTable(list(status?.connections)),
        h('div', { class: 'split' },
          h('div', {}, h('h3', {}, 'Projections'), projectionsTable(list(status?.projections))),
          h('div', {}, h('h3', {}, 'Recent rejections'), rejectionsList(list(status?.recent_rejections)))));
    },
    error(error, onRetry) {
      replace(body, errorState('ingestion status', error, onRetry));
    },
  };
}
