// The dashboard's only way to the server: the HTTP API, with the bearer token when the server wants one.
const TOKEN_KEY = 'sched.apiToken';

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? 'INTERNAL';
    this.details = error?.details ?? {};
  }
}

let promptForToken = async () => { throw new ApiError(401, { code: 'UNAUTHORIZED', message: 'an API token is needed' }); };
let pendingPrompt;

/** `prompt(refused)` resolves once the user gave a token; it is asked once however many calls hit a 401 at once. */
export function onTokenNeeded(prompt) {
  promptForToken = prompt;
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function hasToken() {
  return Boolean(sessionStorage.getItem(TOKEN_KEY));
}

export function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A 401: ask for a token (again, if the one we sent was refused). */
export function askForToken() {
  const refused = hasToken();
  pendingPrompt ??= promptForToken(refused).finally(() => (pendingPrompt = undefined));
  return pendingPrompt;
}

/** One API call: the reply's result, or an ApiError carrying the server's code, message and details. */
export async function api(method, path, body) {
  for (;;) {
    const headers = { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401) {
      await askForToken();
      continue;
    }
    const reply = await response.json().catch(() => ({ ok: false, error: { code: 'INTERNAL', message: `HTTP ${response.status}` } }));
    if (reply.ok) return reply.result;
    throw new ApiError(response.status, reply.error);
  }
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** Query string from the defined values of `params`. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '' && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
