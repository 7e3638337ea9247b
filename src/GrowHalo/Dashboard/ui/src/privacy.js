import { ApiError, sendJson } from './api.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { createPanel, emptyState } from './states.js';

const list = (value) => (Array.isArray(value) ? value : []);
const base = '/api/v1/privacy/requests';
const KINDS = { data_request: 'Data request', customer_redact: 'Customer redact', shop_redact: 'Shop redact' };

/** Privacy requests need the admin scope: the session's when it has it (owners, admins), else a key given for this tab. */
const sessionIsAdmin = (session) => list(session?.scopes).includes('admin');

/** Shopify's privacy requests for this brand, and a data request's export as a download. */
export function createPrivacyPage(ctx) {
  let adminKey = null; // kept in this tab's memory only, never stored
  const panel = createPanel('privacy requests', { id: 'privacy-requests' });
  const keyInput = h('input', { type: 'password', id: 'privacy-admin-key', placeholder: 'ghk_… (admin scope)', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'Admin API key' });
  const keyError = h('p', { class: 'form-error small', role: 'alert', hidden: true });
  const locked = h('div', { class: 'note', id: 'privacy-locked', role: 'note' },
    h('p', {}, h('strong', {}, 'Admins only: '), 'privacy requests and their exports hold customers\' personal data. Give an API key with the admin scope to see them.'),
    h('form', { class: 'toolbar', id: 'privacy-unlock', onsubmit: unlock }, keyInput, h('button', { type: 'submit' }, 'Use key in this tab')),
    keyError,
    h('p', { class: 'muted small' }, 'The key is kept in this tab\'s memory only; reloading the page forgets it.'));
  const element = h('div', { class: 'page', id: 'page-privacy', dataset: { page: 'privacy' } },
    h('section', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Privacy requests'),
        h('p', { class: 'muted small' }, 'Shopify\'s mandatory privacy webhooks: customer data requests (download the export and pass it on), customer redactions and shop redactions. GrowHalo acts on each by itself.')),
      locked, panel.body));

  const canRead = () => !!adminKey || sessionIsAdmin(ctx.session());
  const fetchList = () => sendJson('GET', base, undefined, adminKey);

  async function unlock(event) {
    event.preventDefault();
    keyError.hidden = true;
    const key = keyInput.value.trim();
    if (!key) return;
    try {
      await sendJson('GET', base, undefined, key);
      adminKey = key;
      keyInput.value = '';
      load();
    } catch (e) {
      keyError.textContent = e instanceof ApiError && (e.status === 401 || e.status === 403)
        ? 'That key is not an admin key of this brand. Use a key with the admin scope.'
        : e?.detail ?? String(e);
      keyError.hidden = false;
    }
  }

  async function download(request, button) {
    button.disabled = true;
    try {
      const exported = await sendJson('GET', request.export_url, undefined, adminKey);
      const url = URL.createObjectURL(new Blob([JSON.stringify(exported, null, 2)], { type: 'application/json' }));
      const a = h('a', { href: url, download: `privacy-request-${request.id}.json`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      button.title = e?.detail ?? String(e);
    } finally {
      button.disabled = false;
    }
  }

  function render(answer) {
    const requests = list(answer?.data);
    if (requests.length === 0) return emptyState('No privacy requests yet. Shopify sends them when a customer asks for their data or to be forgotten.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'privacy-table' },
      h('thead', {}, h('tr', {}, ['Received', 'Kind', 'Customer', 'State', 'Completed', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, requests.map((r) => {
        const button = r.export_url ? h('button', { type: 'button', class: 'link', dataset: { exportId: r.id } }, 'Download export') : null;
        if (button) button.onclick = () => download(r, button);
        return h('tr', { dataset: { requestId: r.id, state: r.state } },
          h('td', {}, dateTime(r.received_at)),
          h('td', {}, KINDS[r.kind] ?? r.kind),
          h('td', {}, r.shopify_customer_id ? `#${r.shopify_customer_id}` : (r.email ?? '—')),
          h('td', { title: r.last_error ?? '' }, r.state === 'retrying' ? `retrying (${r.attempts} tries)` : r.state),
          h('td', {}, r.completed_at ? dateTime(r.completed_at) : '—'),
          h('td', {}, button));
      }))));
  }

  function load(options = {}) {
    locked.hidden = canRead();
    if (!canRead()) {
      panel.body.replaceChildren();
      panel.body.dataset.state = 'locked';
      return;
    }
    panel.load(fetchList, render, options);
  }

  return {
    element,
    enter() { load(); },
    refresh(options) { load(options); },
  };
}
