import { h } from './dom.js';

// One look for the states every panel goes through. data-state lets tests and screen readers tell them apart.
export const loadingState = (text = 'Loading…') =>
  h('div', { class: 'state state-loading', 'data-state': 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);

export const errorState = (what, error, onRetry) =>
  h('div', { class: 'state state-error', 'data-state': 'error', role: 'alert' }, h('p', {},
    h('strong', {}, `Couldn't load ${what}.`), ' ', error?.detail ?? String(error ?? ''), ' ',
    onRetry ? h('button', { class: 'link', type: 'button', onclick: onRetry }, 'Retry') : null));

export const emptyState = (...text) => h('div', { class: 'state state-empty', 'data-state': 'empty' }, h('p', {}, ...text));

/**
 * A panel that loads one answer at a time: loading, then what render(data) returns, or an error with a retry.
 * Answers to a load that a newer one superseded are dropped. data-state on the body says which state it is in.
 */
export function createPanel(what, attrs = {}) {
  const body = h('div', { class: 'panel-body', 'data-state': 'loading', ...attrs });
  let generation = 0;
  const panel = {
    body,
    async load(fetcher, render, { quiet = false } = {}) {
      const gen = ++generation;
      if (!quiet || body.dataset.state !== 'ready') {
        body.dataset.state = 'loading';
        body.replaceChildren(loadingState());
      }
      let data;
      try {
        data = await fetcher();
      } catch (error) {
        if (gen !== generation) return;
        body.dataset.state = 'error';
        body.replaceChildren(errorState(what, error, () => panel.load(fetcher, render)));
        return;
      }
      if (gen !== generation) return;
      const content = [render(data)].flat(Infinity).filter(Boolean);
      body.replaceChildren(...content);
      body.dataset.state = content.length === 1 && content[0].dataset?.state === 'empty' ? 'empty' : 'ready';
    },
  };
  return panel;
}
