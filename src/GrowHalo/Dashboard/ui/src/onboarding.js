import { code, h } from './dom.js';

/** What a brand with no data yet sees: how to get data in. The page switches to the figures by itself once it arrives. */
export function createOnboarding(tenantName) {
  return h('section', { class: 'card onboarding', id: 'onboarding', 'data-state': 'empty' },
    h('h2', {}, 'No data yet — connect a source'),
    h('p', {}, `GrowHalo has not received any orders or ad spend for ${tenantName} yet. Connect a source and this page fills in by itself, live, as events arrive.`),
    h('ol', {},
      h('li', {}, h('strong', {}, 'Shopify: '), 'create a connection with ', code('POST /api/v1/ingest/connections'),
        ' (source ', code('shopify'), ', an admin key), then point your store\'s order webhooks at ', code('/api/v1/ingest/webhook/shopify'), '.'),
      h('li', {}, h('strong', {}, 'Meta or Google Ads: '), 'create a connection with source ', code('meta'), ' or ', code('google'),
        ', or upload rows to ', code('POST /api/v1/ingest/batch'), ' with an ingest key.'),
      h('li', {}, h('strong', {}, 'Just exploring? '), 'Run ', code('growhalo demo'), ' to load a sample brand.')));
}
