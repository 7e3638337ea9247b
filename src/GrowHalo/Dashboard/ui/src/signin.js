import { ApiError, postJson } from './api.js';
import { code, h, replace } from './dom.js';

// Messages for a failed sign-in link (/dashboard/sign-in?key=… or ?token=…). The server redirects with a code,
// never with text, so nobody can craft a link that puts their words on this page.
const LINK_ERRORS = {
  unknown_key: 'That sign-in link carried an API key this server does not recognise. Check that it was copied whole; keys start with ghk_.',
  revoked_key: 'That sign-in link carried an API key that has been revoked. Create a new key and sign in with it.',
  expired_key: 'That sign-in link carried an API key that has expired. Create a new key and sign in with it.',
  missing_scope: 'That sign-in link carried an API key without the read scope. Create a key with --scopes read.',
  expired_link: 'That sign-in link has expired or was already used. Ask for a new one, or sign in with an API key below.',
  missing_key: 'That sign-in link carried no key. Sign in with an API key below.',
};

export const linkError = (codeName) => LINK_ERRORS[codeName] ?? (codeName ? 'That sign-in link did not work. Sign in with an API key below.' : null);

export function renderSignIn(root, { message, onSignedIn }) {
  const input = h('input', { id: 'api-key', name: 'api_key', type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: 'ghk_…', required: true });
  const error = h('p', { class: 'form-error', id: 'sign-in-error', role: 'alert', hidden: !message }, message ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');

  async function submit(event) {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return showError('Paste an API key first.');
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      const session = await postJson('/dashboard/sign-in', { api_key: key });
      input.value = '';
      onSignedIn(session);
    } catch (e) {
      showError(e instanceof ApiError ? e.detail : String(e));
      button.disabled = false;
      button.textContent = 'Sign in';
      input.select();
    }
  }

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }

  replace(root, h('main', { class: 'sign-in' },
    h('form', { class: 'card sign-in-card', id: 'sign-in-form', onsubmit: submit, novalidate: true },
      h('div', { class: 'brand' }, h('span', { class: 'halo', 'aria-hidden': 'true' }), 'GrowHalo'),
      h('h1', {}, 'Sign in to your dashboard'),
      h('label', { for: 'api-key' }, 'API key'),
      input,
      error,
      button,
      h('p', { class: 'hint' }, 'Use a key with the ', code('read'), ' scope, e.g. one made by ',
        code('growhalo keys create --tenant <id> --scopes read'), '. It is exchanged for a session cookie; the key itself is never stored in this browser.'))));
  input.focus();
}
