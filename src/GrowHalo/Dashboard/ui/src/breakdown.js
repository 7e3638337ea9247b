import { h, replace } from './dom.js';
import { money, num, percent, ratio } from './format.js';
import { emptyState, errorState, loadingState } from './states.js';

const PLATFORM_NAMES = { meta: 'Meta', facebook: 'Meta', google: 'Google Ads', google_ads: 'Google Ads', tiktok: 'TikTok', shopify: 'Shopify' };
export const platformName = (source) => PLATFORM_NAMES[String(source ?? '').toLowerCase()] ?? String(source ?? 'unknown');

/** Shares as percentages. Tolerates an API that sends fractions (summing to 1) and derives missing shares from spend. */
export function sharesOf(rows) {
  const given = rows.map((r) => num(r.pct_of_total));
  const total = rows.reduce((sum, r) => sum + (num(r.ad_spend) ?? 0), 0);
  const sum = given.reduce((s, v) => s + (v ?? 0), 0);
  const fractions = given.every((v) => v === null || v <= 1) && sum > 0 && sum <= 1.0001;
  return rows.map((r, i) => {
    if (given[i] !== null) return fractions ? given[i] * 100 : given[i];
    return total > 0 ? ((num(r.ad_spend) ?? 0) / total) * 100 : null;
  });
}

function table(kind, rows, currency) {
  const shares = sharesOf(rows);
  const sorted = rows.map((r, i) => ({ r, share: shares[i] })).sort((a, b) => (num(b.r.ad_spend) ?? 0) - (num(a.r.ad_spend) ?? 0));
  const head = kind === 'campaign'
    ? ['Campaign', 'Platform', 'Ad spend', 'Share of spend', 'Revenue', 'Blended ROAS', 'Platform ROAS']
    : ['Platform', 'Ad spend', 'Share of spend', 'Revenue', 'Blended ROAS', 'Platform ROAS'];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', dataset: { breakdown: kind } },
    h('thead', {}, h('tr', {}, head.map((t, i) => h('th', { class: i >= head.length - 5 ? 'num' : '' }, t)))),
    h('tbody', {}, sorted.map(({ r, share }) => h('tr', {},
      kind === 'campaign'
        ? [h('td', { class: 'name', title: r.campaign_id ?? '' }, r.campaign_name || r.campaign_id || 'Unnamed campaign'), h('td', {}, platformName(r.source))]
        : [h('td', { class: 'name' }, platformName(r.source))],
      h('td', { class: 'num' }, money(r.ad_spend, currency)),
      h('td', { class: 'num share' }, h('span', { class: 'bar', style: { '--share': `${Math.max(0, Math.min(100, share ?? 0))}%` } }), percent(share)),
      h('td', { class: 'num' }, money(r.revenue, currency)),
      h('td', { class: 'num', dataset: { roas: 'blended' } }, ratio(r.roas)),
      h('td', { class: 'num', dataset: { roas: 'platform' } }, ratio(r.platform_roas)))))));
}

export function createBreakdown() {
  const bodies = { source: h('div', { class: 'breakdown-body' }), campaign: h('div', { class: 'breakdown-body' }) };
  const element = h('section', { class: 'card breakdown', id: 'ad-spend-breakdown' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Ad spend breakdown'),
      h('p', { class: 'legend muted' },
        h('strong', {}, 'Blended ROAS'), ' = store revenue ÷ ad spend. ',
        h('strong', {}, 'Platform ROAS'), ' = conversion value the ad platform reports ÷ its spend. They are shown side by side, never mixed.')),
    h('h3', {}, 'By platform'), bodies.source,
    h('h3', {}, 'By campaign'), bodies.campaign);

  return {
    element,
    loading(kind) {
      replace(bodies[kind], loadingState());
    },
    show(kind, response, currency) {
      const rows = Array.isArray(response?.data) ? response.data : [];
      replace(bodies[kind], rows.length ? table(kind, rows, currency) : emptyState('No ad spend in this period. Connect Meta or Google Ads to see where the money goes.'));
    },
    error(kind, error, onRetry) {
      replace(bodies[kind], errorState(kind === 'source' ? 'spend by platform' : 'spend by campaign', error, onRetry));
    },
  };
}
