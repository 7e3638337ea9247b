// Fetches with the session cookie (same origin); errors become ApiError carrying the problem details' detail,
// which is written for a person and shown as is, and a validation problem's field errors ({field: [messages]}).
export class ApiError extends Error {
  constructor(status, title, detail, errors = null) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

export async function getJson(url) {
  return request(url, { headers: { accept: 'application/json' } });
}

export async function postJson(url, body) {
  return sendJson('POST', url, body);
}

/**
 * A write. The dashboard session only ever reads, so writes that need the admin scope pass an API key: it goes in
 * the x-api-key header of this one request (the server then ignores the cookie), and is never stored.
 */
export async function sendJson(method, url, body, apiKey = null) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (apiKey) headers['x-api-key'] = apiKey;
  return request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** A body that is not JSON (e.g. a CSV export), as a Blob. */
export async function getBlob(url, accept) {
  const response = await send(url, { headers: { accept } });
  return response.blob();
}

async function send(url, init) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch {
    throw new ApiError(0, 'Server unreachable', 'The GrowHalo server could not be reached. Check that it is running, then retry.');
  }
  if (!response.ok) throw await toError(response);
  noteRecomputing(url, init, response);
  return response;
}

/**
 * GrowHalo-Recomputing: while a settings change re-projects the tenant's history, every answer of a GET under
 * /api/v1 says "true" (its numbers may be part old, part new). The latest such answer decides; listeners hear changes.
 */
export const RECOMPUTING_HEADER = 'GrowHalo-Recomputing';
let recomputing = false;
const recomputingListeners = new Set();

/** Calls listener(recomputing) now and whenever it changes; answers a function that stops listening. */
export function onRecomputing(listener) {
  recomputingListeners.add(listener);
  listener(recomputing);
  return () => recomputingListeners.delete(listener);
}

function noteRecomputing(url, init, response) {
  if ((init?.method ?? 'GET') !== 'GET' || response.status !== 200) return;
  if (!new URL(url, location.href).pathname.startsWith('/api/v1/')) return;
  const now = response.headers.get(RECOMPUTING_HEADER) === 'true';
  if (now === recomputing) return;
  recomputing = now;
  for (const listener of recomputingListeners) listener(now);
}

async function request(url, init) {
  const response = await send(url, init);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

async function toError(response) {
  let title = response.statusText || 'Error';
  let detail = '';
  let errors = null;
  try {
    const problem = await response.json();
    title = problem.title || title;
    detail = problem.detail || '';
    if (problem.errors && typeof problem.errors === 'object') errors = problem.errors;
  } catch { /* not problem details */ }
  if (response.status === 404 && !detail)
    detail = 'This GrowHalo server does not serve this data yet (404). Update GrowHalo to a version that does.';
  if (!detail && errors) detail = 'Some values were not accepted; see the messages beside them.';
  if (!detail) detail = `The server answered ${response.status} ${title}. Retry in a moment; if it persists, check the server's log.`;
  return new ApiError(response.status, title, detail, errors);
}
