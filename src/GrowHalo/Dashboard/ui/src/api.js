// Fetches with the session cookie (same origin); errors become ApiError carrying the problem details' detail,
// which is written for a person and shown as is.
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

export async function getJson(url) {
  return request(url, { headers: { accept: 'application/json' } });
}

export async function postJson(url, body) {
  return request(url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function request(url, init) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch {
    throw new ApiError(0, 'Server unreachable', 'The GrowHalo server could not be reached. Check that it is running, then retry.');
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

async function toError(response) {
  let title = response.statusText || 'Error';
  let detail = '';
  try {
    const problem = await response.json();
    title = problem.title || title;
    detail = problem.detail || '';
  } catch { /* not problem details */ }
  if (response.status === 404 && !detail)
    detail = 'This GrowHalo server does not serve this data yet (404). Update GrowHalo to a version that does.';
  if (!detail) detail = `The server answered ${response.status} ${title}. Retry in a moment; if it persists, check the server's log.`;
  return new ApiError(response.status, title, detail);
}
