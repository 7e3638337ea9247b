import { h } from './dom.js';

// The Shopify app install lands on /dashboard?installed=shopify&shop=…&connection=…: say so once, then clean the
// address bar so a reload does not say it again.
export function takeInstallNotice(url) {
  if (url.searchParams.get('installed') !== 'shopify') return null;
  const shop = url.searchParams.get('shop') || 'Your store';
  for (const name of ['installed', 'shop', 'connection']) url.searchParams.delete(name);
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  return h('div', { id: 'install-notice', class: 'install-notice', role: 'status' },
    h('span', {}, `${shop} is connected: the Shopify app is installed, its webhooks are registered and the first sync has started.`),
    h('button', { type: 'button', 'aria-label': 'Dismiss', onclick: (e) => e.currentTarget.parentElement.remove() }, '×'));
}
