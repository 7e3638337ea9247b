import { ApiError, getJson, postJson } from './api.js';
import { createBreakdown } from './breakdown.js';
import { createCharts } from './charts.js';
import { daysBetween, describe, rangeOf } from './dates.js';
import { h } from './dom.js';
import { clockTime } from './format.js';
import { createIngestion } from './ingestion.js';
import { createKpis } from './kpis.js';
import { connectLive } from './live.js';
import { createOnboarding } from './onboarding.js';
import { createPeriodPicker, GRANULARITIES, PAGES, PERIOD_PAGES, readViewState, segmented, viewHash, writeViewState } from './period.js';
import { createChurnPage } from './churn.js';
import { createCheckoutsPage } from './checkouts.js';
import { createCohortsPage } from './cohorts.js';
import { createCustomersPage } from './customers.js';
import { createPrivacyPage } from './privacy.js';
import { createReprojection } from './reprojection.js';
import { createRfmPage } from './rfm.js';
import { createSegmentsPage } from './segments.js';
import { createSettingsPage } from './settings.js';
import { createTeam } from './team.js';

const PAGE_FACTORIES = {
  customers: createCustomersPage, cohorts: createCohortsPage, rfm: createRfmPage, churn: createChurnPage,
  segments: createSegmentsPage, checkouts: createCheckoutsPage, privacy: createPrivacyPage, settings: createSettingsPage,
};

const METRICS = 'revenue,ad_spend,roas,orders_count,new_customers,avg_order_value';

export function renderDashboard(root, initialSession, { onSignedOut, onSessionEnded }) {
  let session = initialSession;
  const view = readViewState(location.hash);
  const currency = () => session.tenant?.currency ?? 'USD';
  const today = () => session.today;

  const kpis = createKpis();
  const charts = createCharts();
  const breakdown = createBreakdown();
  const ingestion = createIngestion();
  // A settings change's re-projection: its progress (on the Settings page) and the recomputing banner over every page.
  const reprojection = createReprojection({ onFinished: () => refresh({ quiet: true }) });
  const onboarding = createOnboarding(session.tenant?.name ?? 'this brand');
  const periodText = h('span', { class: 'muted', id: 'period-text' });
  const liveStatus = h('span', { class: 'live', id: 'live-status', dataset: { state: 'connecting' } }, 'Connecting…');
  const picker = createPeriodPicker({ today: today(), period: view.period, onChange: (p) => { view.period = p; changed(); } });
  const pages = new Map(); // page id → its module, made when first shown
  const nav = h('nav', { class: 'tabs', id: 'nav', 'aria-label': 'Pages' }, PAGES.map(([id, text]) => h('a', {
    href: viewHash({ ...view, page: id, params: null }), class: 'tab', dataset: { page: id },
    onclick: (event) => { if (event.button === 0 && !event.metaKey && !event.ctrlKey) { event.preventDefault(); navigate(id); } },
  }, text)));
  const granularity = segmented('granularity', GRANULARITIES.map((g) => [g, g[0].toUpperCase() + g.slice(1)]), view.granularity,
    (g) => { view.granularity = g; granularity.select(g); changed(); });
  const periodLine = h('p', { class: 'period-line' }, 'Showing ', periodText);
  const metrics = h('div', { class: 'metrics' },
    kpis.element,
    h('section', { class: 'trends' },
      h('div', { class: 'section-head row' }, h('h2', {}, 'Trends'), granularity.element),
      charts.element),
    breakdown.element);

  // Owners and admins change things; analysts and key sessions only read: elements marked admin-only hide for them.
  document.body.dataset.canWrite = String(session.can_write === true);
  root.replaceChildren(
    h('header', { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'halo', 'aria-hidden': 'true' }), 'GrowHalo',
        h('span', { class: 'tenant', id: 'tenant-name' }, session.tenant?.name ?? '')),
      h('div', { class: 'controls' }, picker.element, liveStatus, person(session.user),
        h('button', { type: 'button', class: 'ghost', id: 'sign-out', onclick: signOut }, 'Sign out'))),
    nav,
    reprojection.banner,
    h('main', { class: 'dashboard', id: 'main' }));
  const main = root.querySelector('#main');
  // The team card: for people who may change things (owners, admins); key sessions and analysts do not get it.
  const team = session.user && session.can_write ? createTeam({ get: (url) => context.get(url), session: () => session }) : null;
  const overview = h('div', { class: 'page', id: 'page-overview', dataset: { page: 'overview' } }, periodLine, onboarding, metrics, ingestion.element, team?.element);

  /** What the pages share: reads that notice an ended session, the tenant's currency and today, and navigation. */
  const context = {
    get: async (url) => {
      try {
        return await getJson(url);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) await stillSignedIn();
        throw error;
      }
    },
    currency,
    today,
    session: () => session,
    range: () => rangeOf(view.period, today()),
    navigate: (page, params) => navigate(page, params),
    href: (page, params) => viewHash({ ...view, page, params }),
    stillSignedIn,
    reprojection,
    /** The session and the current page again, quietly (after a settings change). */
    reload: () => refresh({ quiet: true }),
  };

  function pageOf(id) {
    if (id === 'overview') return null;
    if (!pages.has(id)) pages.set(id, PAGE_FACTORIES[id](context));
    return pages.get(id);
  }

  /** Shows the view's page: the overview's panels, or another page entered with its parameters. */
  function show() {
    for (const a of nav.querySelectorAll('a')) {
      if (a.dataset.page === view.page) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
      a.href = viewHash({ ...view, page: a.dataset.page, params: null });
    }
    picker.element.hidden = !PERIOD_PAGES.includes(view.page);
    document.body.dataset.page = view.page;
    const page = pageOf(view.page);
    main.replaceChildren(page ? page.element : overview);
    if (page) page.enter(view.params);
    else refresh();
  }

  function navigate(page, params = null) {
    view.page = page;
    view.params = new URLSearchParams(params ?? '');
    writeViewState(view, true);
    show();
    window.scrollTo(0, 0);
  }

  function onPopState() {
    Object.assign(view, readViewState(location.hash));
    show();
  }

  let generation = 0;
  let refreshes = 0;
  let ended = false;

  function sessionEnded() {
    if (ended) return;
    ended = true;
    onSessionEnded();
  }

  /**
   * Runs one request for a panel; drops answers to requests a newer refresh has superseded. A 401 means the session
   * ended only if /dashboard/session says so too: an endpoint this server lacks can also answer 401 to a cookie.
   */
  function load(gen, url, show, fail) {
    return getJson(url).then(
      (data) => { if (gen === generation) show(data); },
      async (error) => {
        if (gen !== generation) return;
        if (error instanceof ApiError && error.status === 401 && !(await stillSignedIn())) return;
        if (gen === generation) fail(error);
      });
  }

  async function refresh({ quiet = false } = {}) {
    const gen = ++generation;
    if (view.page !== 'overview') {
      if (quiet) await refreshSession();
      if (gen === generation) pageOf(view.page)?.refresh?.({ quiet });
      return;
    }
    if (quiet && !(await refreshSession())) return;
    if (gen !== generation) return;
    const { start, end } = rangeOf(view.period, today());
    const days = daysBetween(start, end) + 1;
    periodText.textContent = describe(view.period, today());
    onboarding.hidden = !!session.has_data;
    metrics.hidden = !session.has_data;
    document.body.dataset.hasData = String(!!session.has_data);
    const retry = () => refresh();
    const tasks = [];
    if (session.has_data) {
      if (!quiet) { kpis.loading(); charts.loading(); breakdown.loading('source'); breakdown.loading('campaign'); }
      const summaryUrl = view.period.days
        ? `/api/v1/metrics/summary?period=last_${view.period.days}_days`
        : `/api/v1/metrics/summary?start=${start}&end=${end}`;
      const range = `start=${start}&end=${end}`;
      tasks.push(
        load(gen, summaryUrl, (s) => kpis.show(s, currency(), `${days} days`), (e) => kpis.error(e, retry)),
        load(gen, `/api/v1/metrics?${range}&granularity=${view.granularity}&metrics=${METRICS}`,
          (r) => charts.show(r, view.granularity, currency()), (e) => charts.error(e, retry)),
        load(gen, `/api/v1/metrics/ad-spend?${range}&group_by=source`, (r) => breakdown.show('source', r, currency()), (e) => breakdown.error('source', e, retry)),
        load(gen, `/api/v1/metrics/ad-spend?${range}&group_by=campaign`, (r) => breakdown.show('campaign', r, currency()), (e) => breakdown.error('campaign', e, retry)));
    }
    if (!quiet) ingestion.loading();
    tasks.push(load(gen, '/api/v1/ingest/status', (s) => ingestion.show(s), (e) => ingestion.error(e, retry)));
    await Promise.all(tasks);
    if (gen !== generation) return;
    document.body.dataset.refreshes = String(++refreshes);
    document.body.dataset.updatedAt = new Date().toISOString();
    if (liveStatus.dataset.state === 'live') liveStatus.textContent = `Live · updated ${clockTime()}`;
  }

  /** The session again (today may have turned, data may have arrived); false when it ended. */
  async function refreshSession() {
    try {
      session = await getJson('/dashboard/session');
      picker.setToday(today());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) { sessionEnded(); return false; }
    }
    return true;
  }

  function changed() {
    writeViewState(view);
    if (view.page === 'overview') refresh();
    else pageOf(view.page)?.refresh?.({});
  }

  // Live: coalesce bursts of "changed" into one quiet refresh at a time.
  let pending = null;
  let running = null;
  function scheduleRefresh() {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      if (running) await running;
      running = refresh({ quiet: true }).finally(() => { running = null; });
    }, 250);
  }

  function setLiveState(state) {
    liveStatus.dataset.state = state;
    liveStatus.textContent = state === 'live' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : 'Offline — retrying';
    document.body.dataset.live = state;
  }

  async function stillSignedIn() {
    try {
      await getJson('/dashboard/session');
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) { sessionEnded(); return false; }
      return true;
    }
  }

  /** Who is signed in (a person, not a key), their role here, and a switch when they belong to several brands. */
  function person(user) {
    if (!user) return null;
    const tenants = Array.isArray(user.tenants) ? user.tenants : [];
    const switcher = tenants.length > 1 ? h('select', { id: 'tenant-switch', 'aria-label': 'Switch brand', onchange: (e) => switchTenant(e.target.value) },
      tenants.map((t) => h('option', { value: t.id, selected: t.id === session.tenant?.id }, `${t.name} (${t.role})`))) : null;
    return h('span', { class: 'person', id: 'person' },
      h('span', { id: 'user-email' }, user.email),
      h('span', { class: 'chip', id: 'user-role' }, user.role ?? ''),
      switcher);
  }

  async function switchTenant(tenantId) {
    try {
      await postJson('/api/auth/tenant', { tenant_id: tenantId });
    } finally {
      location.reload(); // every panel starts again on the other brand
    }
  }

  async function signOut() {
    try { await postJson('/dashboard/sign-out'); } catch { /* the cookie is cleared server-side; show sign-in anyway */ }
    ended = true;
    onSignedOut();
  }

  writeViewState(view);
  show();
  team?.load();
  reprojection.reattach();
  window.addEventListener('popstate', onPopState);
  const stopLive = connectLive({ onChanged: scheduleRefresh, onState: setLiveState, onClosed: stillSignedIn });
  return () => {
    ended = true;
    generation++;
    clearTimeout(pending);
    window.removeEventListener('popstate', onPopState);
    stopLive();
    reprojection.stop();
    charts.destroy();
  };
}
