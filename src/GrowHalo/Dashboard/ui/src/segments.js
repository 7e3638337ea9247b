import { ApiError, getBlob, sendJson } from './api.js';
import { customerTable } from './customers.js';
import { h, replace } from './dom.js';
import { count, dateTime } from './format.js';
import { segmented } from './period.js';
import { createPanel, emptyState } from './states.js';
import { conditionRow } from './segment-rules.js';

const list = (value) => (Array.isArray(value) ? value : []);
const base = '/api/v1/segments';
const segmentPath = (id) => `${base}/${encodeURIComponent(id)}`;

/** Whether the session itself may change segments: a dashboard session only reads today; a server may say otherwise. */
const sessionCanWrite = (session) => session?.can_write === true || list(session?.scopes).includes('admin');

export function createSegmentsPage(ctx) {
  let segments = [];
  let current = null; // the segment being edited: {id?, name, rules}
  let adminKey = null; // an admin API key given for this tab only: kept in memory, never stored
  let rows = [];
  let nextCursor = null;
  let currency = ctx.currency();

  // The list of saved segments.
  const listPanel = createPanel('segments', { id: 'segment-list' });
  const newButton = h('button', { type: 'button', id: 'new-segment', onclick: () => edit(null) }, '+ New segment');

  // The builder.
  const name = h('input', { id: 'segment-name', name: 'name', placeholder: 'e.g. Loyal buyers in Germany', 'aria-label': 'Segment name', autocomplete: 'off' });
  let match = 'all';
  const matchToggle = segmented('match', [['all', 'all conditions'], ['any', 'any condition']], match, (m) => { match = m; matchToggle.select(m); }, 'Match');
  const conditions = h('ol', { class: 'conditions', id: 'segment-conditions' });
  const addButton = h('button', { type: 'button', id: 'add-condition', onclick: () => addCondition() }, '+ Add condition');
  const saveButton = h('button', { type: 'submit', class: 'primary', id: 'save-segment' }, 'Save segment');
  const deleteButton = h('button', { type: 'button', class: 'ghost danger', id: 'delete-segment', onclick: remove }, 'Delete');
  const errors = h('div', { class: 'field-errors', id: 'segment-errors', role: 'alert', hidden: true });
  const saved = h('p', { class: 'muted small', id: 'segment-saved', role: 'status' });
  const fieldset = h('fieldset', { class: 'builder-fields' },
    h('label', { for: 'segment-name', class: 'muted small' }, 'Name'), name,
    h('div', { class: 'match-row' }, h('span', {}, 'Customers matching'), matchToggle.element),
    conditions, h('div', { class: 'toolbar' }, addButton),
    h('div', { class: 'toolbar' }, saveButton, deleteButton, saved));
  const builder = h('form', { class: 'builder', id: 'segment-builder', novalidate: true, onsubmit: save }, fieldset, errors);

  // Read-only sessions: why the builder is off, and a way to turn it on with an admin key.
  const keyInput = h('input', { type: 'password', id: 'segment-admin-key', placeholder: 'ghk_… (admin scope)', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'Admin API key' });
  const keyError = h('p', { class: 'form-error small', role: 'alert', hidden: true });
  const readOnly = h('div', { class: 'note', id: 'segment-readonly', role: 'note' },
    h('p', {}, h('strong', {}, 'Read-only: '), 'your dashboard session can only read, so segments can be viewed and exported here but not changed. ',
      'Creating, editing, deleting and refreshing a segment needs an API key with the admin scope.'),
    h('form', { class: 'toolbar', id: 'segment-unlock', onsubmit: unlock }, keyInput, h('button', { type: 'submit' }, 'Use key in this tab')),
    keyError,
    h('p', { class: 'muted small' }, 'The key is kept in this tab\'s memory only and sent with each change; reloading the page forgets it.'));

  // Members.
  const membersPanel = createPanel('the members', { id: 'segment-members' });
  const membersHead = h('p', { class: 'muted', id: 'segment-members-count' });
  const more = h('button', { type: 'button', id: 'members-more', hidden: true, onclick: loadMore }, 'More members');
  const exportButton = h('button', { type: 'button', id: 'export-csv', onclick: exportCsv }, 'Export CSV');
  const refreshButton = h('button', { type: 'button', id: 'refresh-segment', onclick: refreshMembers }, 'Recompute members');
  const membersError = h('p', { class: 'form-error small', role: 'alert', hidden: true });
  const members = h('section', { class: 'card', id: 'segment-members-card', hidden: true },
    h('div', { class: 'section-head row' }, h('h2', {}, 'Members'), membersHead, h('div', { class: 'toolbar' }, refreshButton, exportButton)),
    membersError, membersPanel.body, h('div', { class: 'more-row' }, more));

  const editorTitle = h('h2', { id: 'segment-title' }, 'New segment');
  const element = h('div', { class: 'page', id: 'page-segments', dataset: { page: 'segments' } },
    h('div', { class: 'segments-layout' },
      h('section', { class: 'card' }, h('div', { class: 'section-head row' }, h('h2', {}, 'Segments'), newButton), listPanel.body),
      h('section', { class: 'card' }, h('div', { class: 'section-head' }, editorTitle,
        h('p', { class: 'muted small' }, 'A segment is a saved rule over customers\' figures, RFM and churn scores, place, tags and consent.')),
        readOnly, builder)),
    members);

  const canWrite = () => !!adminKey || sessionCanWrite(ctx.session());
  // A person signed in by e-mail has a role: an analyst sees no changing actions at all (a key session may unlock them with a key).
  const person = () => !!ctx.session()?.user;
  const roleNote = h('p', { class: 'note', id: 'segment-role-note', role: 'note', hidden: true },
    'Your role in this brand only reads: you can view and export segments. An owner or admin can create and change them.');
  builder.before(roleNote);

  function applyPermission() {
    const writable = canWrite();
    const hideChanges = !writable && person();
    fieldset.disabled = !writable;
    readOnly.hidden = writable || person();
    roleNote.hidden = !hideChanges;
    addButton.hidden = hideChanges;
    newButton.hidden = hideChanges;
    saveButton.hidden = hideChanges;
    builder.dataset.writable = String(writable);
    refreshButton.disabled = !writable || !current?.id;
    refreshButton.title = writable ? '' : 'Needs an admin API key';
    refreshButton.hidden = hideChanges;
    deleteButton.hidden = !current?.id || hideChanges;
  }

  async function unlock(event) {
    event.preventDefault();
    const key = keyInput.value.trim();
    keyError.hidden = true;
    if (!key) return;
    try {
      // The key must be this brand's: the same session answer, asked with the key instead of the cookie.
      const asKey = await sendJson('GET', '/dashboard/session', undefined, key);
      if (asKey?.tenant?.id !== ctx.session()?.tenant?.id) throw new Error('That key belongs to another brand. Use a key of this brand.');
      adminKey = key;
      keyInput.value = '';
      applyPermission();
    } catch (e) {
      keyError.textContent = e instanceof ApiError && e.status === 403
        ? 'That key lacks the read scope, which is needed to check it belongs to this brand. Use a key with the read and admin scopes.'
        : e?.detail ?? e?.message ?? String(e);
      keyError.hidden = false;
    }
  }

  function addCondition(rule = { field: 'orders_count', op: 'gte', value: 2 }) {
    const row = conditionRow(rule, () => { row.remove(); renumber(); });
    conditions.append(row);
    renumber();
  }

  function renumber() {
    [...conditions.children].forEach((li, i) => { li.dataset.index = String(i); });
  }

  function edit(segment) {
    current = segment ? { ...segment } : null;
    editorTitle.textContent = segment ? `Segment: ${segment.name ?? ''}` : 'New segment';
    name.value = segment?.name ?? '';
    const rules = segment?.rules ?? {};
    match = Array.isArray(rules.any) ? 'any' : 'all';
    matchToggle.select(match);
    conditions.replaceChildren();
    for (const rule of list(rules[match])) addCondition(rule);
    if (!segment) addCondition();
    showErrors(null);
    saved.textContent = '';
    for (const b of listPanel.body.querySelectorAll('[data-segment-id]')) b.setAttribute('aria-pressed', String(b.dataset.segmentId === String(segment?.id)));
    members.hidden = !segment?.id;
    applyPermission();
    if (segment?.id) loadMembers();
  }

  function showErrors(error) {
    for (const li of conditions.querySelectorAll('.invalid')) li.classList.remove('invalid');
    for (const m of conditions.querySelectorAll('.condition-error')) m.remove();
    if (!error) { errors.hidden = true; errors.replaceChildren(); return; }
    const fieldErrors = Object.entries(error.errors ?? {});
    replace(errors, h('p', {}, h('strong', {}, 'The segment was not saved. '), fieldErrors.length ? '' : error.detail ?? String(error)),
      fieldErrors.length ? h('ul', {}, fieldErrors.map(([field, messages]) => h('li', { dataset: { field } },
        h('code', {}, field), ' ', list(messages).length ? list(messages).join(' ') : String(messages)))) : null);
    errors.hidden = false;
    // rules.all[2].value → the third condition shows its message too.
    for (const [field, messages] of fieldErrors) {
      const index = /\[(\d+)\]/.exec(field)?.[1];
      const li = index === undefined ? null : conditions.children[Number(index)];
      if (!li) continue;
      li.classList.add('invalid');
      li.append(h('p', { class: 'condition-error small' }, [list(messages).join(' ') || String(messages)]));
    }
  }

  async function save(event) {
    event.preventDefault();
    if (!canWrite()) return;
    const body = { name: name.value.trim(), rules: { [match]: [...conditions.children].map((li) => li.read()) } };
    saveButton.disabled = true;
    try {
      const answer = await sendJson(current?.id ? 'PUT' : 'POST', current?.id ? segmentPath(current.id) : base, body, adminKey);
      showErrors(null);
      const segment = answer?.id ? answer : { ...current, ...body, ...(answer ?? {}) };
      await loadList();
      edit(segment);
      saved.textContent = `Saved ${dateTime(new Date().toISOString())}.`;
    } catch (error) {
      showErrors(error);
    } finally {
      saveButton.disabled = false;
    }
  }

  async function remove() {
    if (!current?.id || !canWrite()) return;
    if (!confirm(`Delete the segment "${current.name}"? Its rule is removed; customers are not changed.`)) return;
    try {
      await sendJson('DELETE', segmentPath(current.id), undefined, adminKey);
      await loadList();
      edit(null);
    } catch (error) {
      showErrors(error);
    }
  }

  async function refreshMembers() {
    if (!current?.id || !canWrite()) return;
    refreshButton.disabled = true;
    membersError.hidden = true;
    try {
      await sendJson('POST', `${segmentPath(current.id)}/refresh`, undefined, adminKey);
      await loadMembers();
    } catch (error) {
      membersError.textContent = `Couldn't recompute the members. ${error?.detail ?? error}`;
      membersError.hidden = false;
    } finally {
      applyPermission();
    }
  }

  function membersUrl(cursor) {
    const p = new URLSearchParams({ limit: '50' });
    if (cursor) p.set('cursor', cursor);
    return `${segmentPath(current.id)}/members?${p}`;
  }

  function renderMembers() {
    more.hidden = !nextCursor;
    return rows.length ? customerTable(ctx, rows, currency, 'segment-members-table') : emptyState('No customer matches this segment yet.');
  }

  function loadMembers(options = {}) {
    const id = current.id;
    return membersPanel.load(() => ctx.get(membersUrl()), (page) => {
      if (current?.id !== id) return null;
      rows = list(page?.data);
      nextCursor = page?.next_cursor ?? null;
      currency = page?.currency ?? ctx.currency();
      const total = page?.total ?? page?.members ?? current?.members ?? current?.customers;
      membersHead.textContent = [total === undefined || total === null ? '' : `${count(total)} customers`, page?.as_of ? `as of ${dateTime(page.as_of)}` : ''].filter(Boolean).join(', ');
      return renderMembers();
    }, options);
  }

  async function loadMore() {
    if (!nextCursor) return;
    more.disabled = true;
    try {
      const page = await ctx.get(membersUrl(nextCursor));
      rows = rows.concat(list(page?.data));
      nextCursor = page?.next_cursor ?? null;
      replace(membersPanel.body, renderMembers());
    } catch (error) {
      membersError.textContent = `Couldn't load more members. ${error?.detail ?? error}`;
      membersError.hidden = false;
    } finally {
      more.disabled = false;
    }
  }

  /** The members as CSV (Accept: text/csv), saved as a file: a link cannot send that header, so fetch and hand over a blob. */
  async function exportCsv() {
    if (!current?.id) return;
    exportButton.disabled = true;
    membersError.hidden = true;
    try {
      const blob = await getBlob(`${segmentPath(current.id)}/members`, 'text/csv');
      const link = h('a', { href: URL.createObjectURL(blob), download: `${String(current.name || 'segment').replace(/[^\w.-]+/g, '-')}.csv`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      membersError.textContent = `Couldn't export the members. ${error?.detail ?? error}`;
      membersError.hidden = false;
    } finally {
      exportButton.disabled = false;
    }
  }

  function renderList(answer) {
    segments = list(answer?.data ?? answer);
    if (!segments.length) return emptyState('No segment yet. Build one on the right: pick conditions, then save.');
    return h('ul', { class: 'segment-list plain' }, segments.map((s) => h('li', {},
      h('button', { type: 'button', class: 'segment-item', dataset: { segmentId: String(s.id) }, 'aria-pressed': String(String(s.id) === String(current?.id)), onclick: () => edit(s) },
        h('span', {}, s.name ?? `Segment ${s.id}`),
        s.members ?? s.customers ?? s.member_count ? h('span', { class: 'muted small' }, ` ${count(s.members ?? s.customers ?? s.member_count)}`) : ''))));
  }

  const loadList = (options = {}) => listPanel.load(() => ctx.get(base), renderList, options);

  edit(null);
  return {
    element,
    enter() {
      applyPermission();
      loadList();
    },
    refresh(options) {
      loadList(options);
      if (current?.id) loadMembers(options);
    },
  };
}

