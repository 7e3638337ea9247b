import { ApiError, getJson, sendJson } from './api.js';
import { h, replace } from './dom.js';
import { createPanel } from './states.js';

/** The settings PATCH /api/v1/tenant changes from this page: [field, label, hint]. */
const FIELDS = [
  ['time_zone', 'Time zone', 'Days are calendar days in this zone (IANA name).'],
  ['currency', 'Reporting currency', 'ISO 4217 code, such as USD, EUR or GBP.'],
  ['abandoned_checkout_minutes', 'Abandoned checkout after (minutes)', 'A checkout with no order this long is abandoned (5–10080).'],
  ['recovery_window_days', 'Recovery window (days)', 'An order this soon after an abandoned checkout recovers it (1–90).'],
];
const NUMBERS = ['abandoned_checkout_minutes', 'recovery_window_days'];
const idOf = (field) => `settings-${field.replaceAll('_', '-')}`;

function supported(kind) {
  try { return Intl.supportedValuesOf(kind); } catch { return []; }
}

/** The browser's IANA zones, UTC first, with the tenant's own zone even when the browser does not list it. */
function zoneOptions(current) {
  const zones = new Set([...supported('timeZone'), current].filter(Boolean));
  zones.delete('UTC');
  return ['UTC', ...[...zones].sort()];
}

/**
 * The brand's settings: name (read-only here), time zone, reporting currency and the abandoned-checkout settings.
 * Owners and admins save them with PATCH /api/v1/tenant; a new time zone or currency re-projects the history, whose
 * progress shows below the form (and a banner over every page). Analysts and key sessions see them read-only.
 */
export function createSettingsPage(ctx) {
  const canWrite = () => ctx.session()?.can_write === true;
  const panel = createPanel('the settings', { id: 'settings-panel' });
  const result = h('div', { class: 'small', id: 'settings-result', role: 'status', hidden: true });
  const inputs = new Map();
  const errors = new Map();
  let current = null; // the settings as last answered

  const element = h('div', { class: 'page', id: 'page-settings', dataset: { page: 'settings' } },
    h('section', { class: 'card', id: 'settings' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Settings'),
        h('p', { class: 'muted' }, 'How GrowHalo counts this brand\'s numbers. A new time zone or currency recomputes the history.')),
      panel.body, result, ctx.reprojection.progress));

  function field(name, label, hint, control) {
    const error = h('p', { class: 'form-error small', id: `${idOf(name)}-error`, role: 'alert', hidden: true });
    errors.set(name, error);
    return h('div', { class: 'field', dataset: { field: name } },
      h('label', { for: control.id }, label), control, hint ? h('p', { class: 'hint' }, hint) : null, error);
  }

  function control(name, tenant) {
    const id = idOf(name);
    const disabled = !canWrite();
    let input;
    if (name === 'time_zone') {
      input = h('select', { id, disabled }, zoneOptions(tenant.time_zone).map((z) => h('option', { value: z }, z)));
    } else if (name === 'currency') {
      input = h('input', { id, list: 'settings-currencies', maxlength: 3, autocomplete: 'off', spellcheck: 'false', disabled, class: 'code-input' });
    } else {
      input = h('input', { id, type: 'number', step: 1, inputmode: 'numeric', disabled });
    }
    inputs.set(name, input);
    return input;
  }

  function render(tenant) {
    current = tenant;
    inputs.clear();
    errors.clear();
    const fields = FIELDS.map(([name, label, hint]) => field(name, label, hint, control(name, tenant)));
    fill(tenant);
    const name = h('input', { id: 'settings-name', value: tenant.name ?? '', readonly: true });
    // novalidate: the server's messages (the same as the API's) are shown beside the fields, not the browser's.
    return h('form', { class: 'settings-form', id: 'settings-form', novalidate: true, onsubmit: save },
      h('datalist', { id: 'settings-currencies' }, supported('currency').map((c) => h('option', { value: c }))),
      field('name', 'Workspace', null, name),
      fields,
      canWrite()
        ? h('div', { class: 'settings-actions' }, h('button', { type: 'submit', class: 'primary', id: 'settings-save' }, 'Save'))
        : h('p', { class: 'note', id: 'settings-readonly' }, 'Only the brand\'s owners and admins change these settings; you see them read-only.'));
  }

  function fill(tenant) {
    for (const [name, input] of inputs) input.value = String(tenant[name] ?? '');
  }

  /** What the form would change: {field: value} for each field that differs from the settings answered. */
  function changes() {
    const body = {};
    for (const [name, input] of inputs) {
      const raw = input.value.trim();
      const value = NUMBERS.includes(name) && /^-?\d+$/.test(raw) ? Number(raw) : raw;
      if (String(value) !== String(current?.[name] ?? '')) body[name] = value;
    }
    return body;
  }

  function showErrors(fieldErrors) {
    for (const [name, error] of errors) {
      const messages = fieldErrors?.[name] ?? [];
      error.textContent = messages.join(' ');
      error.hidden = messages.length === 0;
      inputs.get(name)?.setAttribute('aria-invalid', String(messages.length > 0));
    }
  }

  function say(tone, ...content) {
    replace(result, ...content);
    result.className = tone === 'bad' ? 'form-error small' : 'small';
    result.hidden = false;
  }

  async function save(event) {
    event.preventDefault();
    if (!canWrite()) return;
    const body = changes();
    const local = {};
    for (const name of NUMBERS) {
      if (name in body && typeof body[name] !== 'number') local[name] = ['Enter a whole number.'];
    }
    showErrors(local);
    if (Object.keys(local).length) return say('bad', 'Nothing was changed: fix the values marked.');
    if (!Object.keys(body).length) return say('good', 'Nothing to save: these are the current settings.');
    const button = element.querySelector('#settings-save');
    button.disabled = true;
    try {
      const before = current;
      const answer = await sendJson('PATCH', '/api/v1/tenant', body);
      current = answer;
      fill(answer);
      const lines = FIELDS.filter(([name]) => String(before?.[name]) !== String(answer?.[name]))
        .map(([name, label]) => h('li', { dataset: { field: name } }, `${label}: ${before?.[name]} → ${answer[name]}`));
      say('good', h('p', {}, h('strong', {}, 'Saved.')), lines.length ? h('ul', { class: 'plain', id: 'settings-changed' }, lines) : null,
        answer.reprojection_run_id ? h('p', {}, 'The history is being re-projected in the new settings; the numbers follow when it completes.') : null);
      if (answer.reprojection_run_id) ctx.reprojection.follow({ id: answer.reprojection_run_id, kind: 'reproject', state: 'queued' });
      ctx.reload(); // today and the currency the pages format in come from the session
    } catch (error) {
      if (error instanceof ApiError && error.errors) {
        showErrors(error.errors);
        // Messages with a field of the form stand beside it; any other (e.g. a null body) is said here.
        const unplaced = Object.entries(error.errors).filter(([name]) => !errors.has(name)).flatMap(([, m]) => m);
        say('bad', unplaced.length ? `Nothing was changed: ${unplaced.join(' ')}` : 'Nothing was changed: see the messages beside the fields.');
      } else {
        say('bad', error?.detail ?? String(error));
      }
    } finally {
      button.disabled = false;
    }
  }

  const load = (options) => panel.load(() => getJson('/api/v1/tenant'), render, options);
  const dirty = () => current !== null && Object.keys(changes()).length > 0;

  return {
    element,
    enter() { load(); },
    refresh({ quiet } = {}) {
      // Never throw away what someone is typing or choosing; a quiet refresh only brings an idle form up to date.
      if (quiet && (dirty() || element.contains(document.activeElement))) return;
      load({ quiet });
    },
  };
}
