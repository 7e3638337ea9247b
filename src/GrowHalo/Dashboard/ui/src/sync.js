import { ApiError, getJson, sendJson } from './api.js';
import { h, replace } from './dom.js';
import { count } from './format.js';

const FINAL = ['completed', 'failed', 'cancelled'];

/** A run in words: "42% · orders page 7", "Completed · 3,905 fetched, 12 new", "Failed: …". */
export function runWords(run) {
  if (!run) return '';
  const pct = typeof run.percent === 'number' ? `${run.percent.toFixed(run.percent % 1 ? 1 : 0)}%` : null;
  switch (run.state) {
    case 'queued': return 'Queued';
    case 'running': return [pct, run.step ?? 'starting'].filter(Boolean).join(' · ');
    case 'completed': return run.kind === 'reproject'
      ? `Completed · ${count(run.records_fetched)} events replayed`
      : `Completed · ${count(run.records_fetched)} fetched, ${count(run.records_stored)} new`;
    case 'failed': return `Failed: ${run.error ?? 'unknown error'}`;
    case 'cancelled': return 'Cancelled';
    default: return String(run.state ?? '');
  }
}

export const isFinal = (run) => FINAL.includes(run?.state);

/** A run's progress bar and its words (the same for a connection's sync and a re-projection); data-state is the run's state. */
export function runProgress(run, attrs = {}) {
  return h('div', { ...attrs, class: `sync-progress ${run.state}`, dataset: { state: run.state } },
    h('progress', { max: 100, value: run.state === 'completed' ? 100 : typeof run.percent === 'number' ? run.percent : undefined }),
    h('span', { class: 'small sync-words' }, runWords(run)));
}

/**
 * Follows one run through its event stream (GET /api/v1/sync/{id}/events): onUpdate(run) on each progress event and
 * once more on the final one, when the stream is closed. Answers a function that stops following.
 */
export function watchRun(runId, onUpdate) {
  const source = new EventSource(`/api/v1/sync/${encodeURIComponent(runId)}/events`);
  let closed = false;
  const close = () => { closed = true; source.close(); };
  const update = (event) => {
    if (closed) return;
    const run = JSON.parse(event.data);
    if (isFinal(run)) close();
    onUpdate(run);
  };
  for (const name of ['progress', ...FINAL]) source.addEventListener(name, update);
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) closed = true; };
  return close;
}

/**
 * "Sync now" per connection and its progress bar, fed by the run's event stream (GET /api/v1/sync/{id}/events).
 * Runs live on the server: on load the page asks GET /api/v1/sync?active=true and follows them again, so a reload
 * keeps the bar. Starting a run needs the admin scope, which a dashboard session lacks: the page asks for an admin
 * key once and keeps it in memory for this tab only.
 */
export function createSyncRuns() {
  const runs = new Map(); // connection id → latest run
  const streams = new Map(); // run id → stop following
  let adminKey = null;
  let pending = null; // connection waiting for an admin key
  const keyInput = h('input', { id: 'sync-admin-key', type: 'password', autocomplete: 'off', placeholder: 'Admin API key' });
  const keyError = h('p', { class: 'form-error small', role: 'alert', hidden: true });
  const keyForm = h('form', { id: 'sync-key-form', class: 'inline-form', hidden: true, onsubmit: unlock },
    h('span', { class: 'small muted' }, 'Starting a sync needs an API key with the admin scope (kept in this tab only): '),
    keyInput, h('button', { type: 'submit' }, 'Use key'), keyError);
  const cells = new Map(); // connection id → its progress cell in the current table

  function render(connectionId) {
    const cell = cells.get(connectionId);
    if (!cell) return;
    const run = runs.get(connectionId);
    const active = run && !isFinal(run);
    const button = h('button', { type: 'button', class: 'sync-now', disabled: active, onclick: () => start(connectionId) }, active ? 'Syncing…' : 'Sync now');
    replace(cell, button, run ? runProgress(run) : null);
  }

  function follow(run) {
    if (!run?.connection_id) return;
    runs.set(run.connection_id, run);
    render(run.connection_id);
    if (isFinal(run) || streams.has(run.id)) return;
    streams.set(run.id, watchRun(run.id, (next) => {
      runs.set(next.connection_id, next);
      render(next.connection_id);
      if (isFinal(next)) streams.delete(run.id);
    }));
  }

  async function start(connectionId) {
    try {
      const answer = await sendJson('POST', '/api/v1/sync', { connection_id: connectionId }, adminKey);
      follow({ id: answer.sync_run_id, connection_id: connectionId, state: 'queued' });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        pending = connectionId;
        keyForm.hidden = false;
        keyError.hidden = adminKey === null;
        keyError.textContent = adminKey === null ? '' : e.detail;
        keyInput.focus();
        return;
      }
      runs.set(connectionId, { state: 'failed', error: e?.detail ?? String(e) });
      render(connectionId);
    }
  }

  function unlock(event) {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) return;
    adminKey = key;
    keyInput.value = '';
    keyForm.hidden = true;
    if (pending) start(pending);
    pending = null;
  }

  return {
    keyForm,
    /** The cell of a connection's row in a freshly drawn table. */
    cell(connectionId) {
      const cell = h('td', { class: 'sync-cell', dataset: { syncFor: connectionId } });
      cells.set(connectionId, cell);
      render(connectionId);
      return cell;
    },
    forget() { cells.clear(); },
    /** Follows the runs under way (after a reload as well). */
    async reattach() {
      try {
        const active = await getJson('/api/v1/sync?active=true');
        for (const run of active?.data ?? []) follow(run);
      } catch { /* an older server without sync runs: the buttons still work */ }
    },
  };
}
