import './styles.css';
import { ApiError, getJson } from './api.js';
import { h, replace } from './dom.js';
import { renderDashboard } from './dashboard.js';
import { linkError, renderInvite, renderSignIn } from './signin.js';
import { takeInstallNotice } from './installed.js';

const root = document.getElementById('app');
let teardown = () => {};

function showSignIn(message) {
  teardown();
  teardown = () => {};
  document.title = 'Sign in · GrowHalo';
  renderSignIn(root, { message, onSignedIn: showDashboard });
}

function showDashboard(session) {
  teardown();
  document.title = `${session.tenant?.name ?? 'Dashboard'} · GrowHalo`;
  teardown = renderDashboard(root, session, {
    onSignedOut: () => showSignIn(null),
    onSessionEnded: () => showSignIn('Your session has ended (signed out elsewhere, expired, or the key was revoked). Sign in again.'),
  });
}

/** An invitation link: join first (as the signed-in person, or with a password), then the dashboard. */
async function showInvite(token) {
  teardown();
  teardown = () => {};
  document.title = 'Invitation · GrowHalo';
  let session = null;
  try { session = await getJson('/dashboard/session'); } catch { /* not signed in: join with a password */ }
  renderInvite(root, { token, signedInAs: session?.user?.email ?? null, onJoined: showDashboard, onSkip: boot });
}

async function boot() {
  // An invitation link carries its one-time token in ?invite=; take it out of the address bar at once.
  const invite = new URL(location.href).searchParams.get('invite');
  if (invite) {
    history.replaceState(null, '', location.pathname + location.hash);
    return showInvite(invite);
  }
  // A failed sign-in link lands here with ?sign_in_error=code; show its message once and clean the address bar.
  const url = new URL(location.href);
  const failure = linkError(url.searchParams.get('sign_in_error'));
  if (url.searchParams.has('sign_in_error')) {
    url.searchParams.delete('sign_in_error');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const installed = takeInstallNotice(url);
  try {
    showDashboard(await getJson('/dashboard/session'));
    if (installed) root.before(installed);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showSignIn(failure);
    replace(root, h('main', { class: 'sign-in' }, h('div', { class: 'card sign-in-card', role: 'alert' },
      h('h1', {}, 'GrowHalo is not answering'),
      h('p', {}, e.detail ?? String(e)),
      h('button', { class: 'primary', onclick: boot }, 'Retry'))));
  }
}

boot();
