// The admin API (SPEC §4, §6, §7) and the key that opens it.
//
// The admin API key lives in the variable `apiKey` of this module only: never in a cookie, local
// storage or session storage, and no other script can reach it. The browser never sends it by
// itself, so no other site can make the console act (CSRF).

let apiKey = null;

export function useKey(key) {
  apiKey = key;
}

export function forgetKey() {
  apiKey = null;
}

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code || null;
  }
}

// Paths are relative to /console/, so the console also works behind a proxy that adds a prefix.
// Paths are relative to /console/, so the console also works behind a proxy that adds a prefix.
export async function api(method, path, body) {
  if (apiKey === null) {
    throw new ApiError(401, 'Sign in first.');
  }
  const headers = { 'X-API-Key': apiKey, Accept: 'application/json' };
  const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('../admin/' + path, init);
  } catch (e) {
    throw new ApiError(0, 'The server could not be reached.');
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    // The admin API's error body: {"code", "message", "error"} (SPEC §2).
    const message = data && typeof data.message === 'string'
      ? data.message : 'The server answered ' + response.status + '.';
    const code = data && typeof data.error === 'string' ? data.error : null;
    throw new ApiError(response.status, message, code);
  }
  return data;
}

// "The identifier is taken. (409 conflict)": the server's words, then what kind of refusal it was.
export function describe(error) {
  if (error.status === 0) {
    return error.message;
  }
  return error.message + ' (' + error.status + (error.code ? ' ' + error.code : '') + ')';
}
