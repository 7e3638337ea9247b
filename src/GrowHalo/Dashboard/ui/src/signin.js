import { ApiError, getJson, postJson } from './api.js';
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

/** A problem's words for a person: the detail, or each field's messages when the server named fields. */
export function problemText(e) {
  if (!(e instanceof ApiError)) return String(e);
  const fields = Object.values(e.errors ?? {}).flat();
  return fields.length ? fields.join(' ') : e.detail;
}

/** Sign-in page: e-mail and password (or a new account), and, below, an API key (machines, the demo). */
export function renderSignIn(root, { message, onSignedIn }) {
  let creating = false;
  const email = h('input', { id: 'login-email', name: 'email', type: 'email', autocomplete: 'username', spellcheck: 'false', placeholder: 'you@brand.com', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const store = h('input', { id: 'signup-store', name: 'store_name', autocomplete: 'organization', placeholder: 'e.g. Acme Coffee' });
  const storeRow = h('div', { class: 'field', hidden: true }, h('label', { for: 'signup-store' }, 'Store name'), store);
  const passwordHint = h('p', { class: 'hint', hidden: true }, 'At least 12 characters; a few unrelated words are easy to remember and hard to guess.');
  const accountError = h('p', { class: 'form-error', id: 'account-error', role: 'alert', hidden: true });
  const accountButton = h('button', { type: 'submit', class: 'primary', id: 'account-submit' }, 'Sign in');
  const title = h('h1', {}, 'Sign in to GrowHalo');
  const toggle = h('button', { type: 'button', class: 'link', id: 'toggle-signup', onclick: () => setCreating(!creating) }, 'Create an account');

  function setCreating(value) {
    creating = value;
    storeRow.hidden = !creating;
    passwordHint.hidden = !creating;
    password.autocomplete = creating ? 'new-password' : 'current-password';
    title.textContent = creating ? 'Create your GrowHalo account' : 'Sign in to GrowHalo';
    accountButton.textContent = creating ? 'Create account' : 'Sign in';
    toggle.textContent = creating ? 'I have an account' : 'Create an account';
    accountError.hidden = true;
  }

  async function submitAccount(event) {
    event.preventDefault();
    accountError.hidden = true;
    if (!email.value.trim() || !password.value) return showAccountError('Enter your e-mail address and password.');
    accountButton.disabled = true;
    try {
      const body = { email: email.value.trim(), password: password.value };
      if (creating) await postJson('/api/auth/signup', { ...body, store_name: store.value.trim() });
      else await postJson('/api/auth/login', body);
      password.value = '';
      onSignedIn(await getJson('/dashboard/session'));
    } catch (e) {
      showAccountError(problemText(e));
      password.select();
    } finally {
      accountButton.disabled = false;
    }
  }

  function showAccountError(text) {
    accountError.textContent = text;
    accountError.hidden = false;
  }

  // The API key form, as before: machines and the demo's key link use it.
  const input = h('input', { id: 'api-key', name: 'api_key', type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: 'ghk_…', required: true });
  const error = h('p', { class: 'form-error', id: 'sign-in-error', role: 'alert', hidden: !message }, message ?? '');
  const button = h('button', { type: 'submit' }, 'Sign in with key');

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
      button.textContent = 'Sign in with key';
      input.select();
    }
  }

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }

  replace(root, h('main', { class: 'sign-in' }, h('div', { class: 'sign-in-stack' },
    h('form', { class: 'card sign-in-card', id: 'account-form', onsubmit: submitAccount, novalidate: true },
      h('div', { class: 'brand' }, h('span', { class: 'halo', 'aria-hidden': 'true' }), 'GrowHalo'),
      title,
      h('label', { for: 'login-email' }, 'E-mail'), email,
      h('label', { for: 'login-password' }, 'Password'), password, passwordHint,
      storeRow,
      accountError,
      accountButton,
      h('p', { class: 'hint' }, toggle)),
    h('form', { class: 'card sign-in-card', id: 'sign-in-form', onsubmit: submit, novalidate: true },
      h('h2', {}, 'Or use an API key'),
      h('label', { for: 'api-key' }, 'API key'),
      input,
      error,
      button,
      h('p', { class: 'hint' }, 'Use a key with the ', code('read'), ' scope, e.g. one made by ',
        code('growhalo keys create --tenant <id> --scopes read'), '. It is exchanged for a session cookie; the key itself is never stored in this browser.')))));
  email.focus();
}

/** An invitation link (/dashboard?invite=…): join the brand as the signed-in person, or with a password (new or existing account). */
export function renderInvite(root, { token, signedInAs, onJoined, onSkip }) {
  const password = h('input', { id: 'invite-password', type: 'password', autocomplete: 'new-password' });
  const error = h('p', { class: 'form-error', id: 'invite-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary', id: 'invite-accept' }, signedInAs ? `Join as ${signedInAs}` : 'Join');
  async function submit(event) {
    event.preventDefault();
    button.disabled = true;
    try {
      await postJson(`/api/auth/invites/${encodeURIComponent(token)}/accept`, signedInAs ? undefined : { password: password.value });
      onJoined(await getJson('/dashboard/session'));
    } catch (e) {
      error.textContent = problemText(e);
      error.hidden = false;
      button.disabled = false;
    }
  }
  replace(root, h('main', { class: 'sign-in' },
    h('form', { class: 'card sign-in-card', id: 'invite-form', onsubmit: submit, novalidate: true },
      h('div', { class: 'brand' }, h('span', { class: 'halo', 'aria-hidden': 'true' }), 'GrowHalo'),
      h('h1', {}, 'You are invited to a brand on GrowHalo'),
      signedInAs ? h('p', { class: 'hint' }, 'You join with the account you are signed in with.')
        : [h('label', { for: 'invite-password' }, 'Password'), password,
          h('p', { class: 'hint' }, 'Your password if you have an account with the invited e-mail; otherwise choose one (at least 12 characters) to create it.')],
      error, button,
      h('p', { class: 'hint' }, h('button', { type: 'button', class: 'link', onclick: onSkip }, 'Not now')))));
}
