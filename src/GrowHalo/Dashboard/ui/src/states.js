import { h } from './dom.js';

// One look for the states every panel goes through. data-state lets tests and screen readers tell them apart.
export const loadingState = (text = 'Loading…') =>
  h('div', { class: 'state state-loading', 'data-state': 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);

export const errorState = (what, error, onRetry) =>
  h('div', { class: 'state state-error', 'data-state': 'error', role: 'alert' }, h('p', {},
    h('strong', {}, `Couldn't load ${what}.`), ' ', error?.detail ?? String(error ?? ''), ' ',
    onRetry ? h('button', { class: 'link', type: 'button', onclick: onRetry }, 'Retry') : null));

export const emptyState = (...text) => h('div', { class: 'state state-empty', 'data-state': 'empty' }, h('p', {}, ...text));
