// The one way the pages talk to the server: same REST API, session cookie, CSRF on writes,
// problem+json turned into readable errors.
let csrfToken = sessionStorage.getItem("clearline.csrf") || "";

export class ApiError extends Error {
  constructor(status, problem) {
    const fields = (problem.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
    super(fields || problem.detail || problem.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
}

/** `extraHeaders`: such as an `Idempotency-Key`, so that a form sent twice makes one record. */
export async function api(method, path, body, extraHeaders = {}) {
  return send(method, path, body === undefined ? undefined : JSON.stringify(body), "application/json", extraHeaders);
}

/** A body sent as it is, such as a CSV file's text. */
export async function upload(path, text, contentType) {
  return send("POST", path, text, contentType);
}

async function send(method, path, body, contentType, extraHeaders = {}) {
  const headers = { Accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = contentType;
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(path, { method, headers, credentials: "same-origin", body });
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith("/v1/auth/login")) {
      location.assign("/login.html?next=" + encodeURIComponent(location.pathname + location.search));
    }
    throw new ApiError(response.status, data || {});
  }
  return data;
}

export async function login(email, password) {
  const result = await api("POST", "/v1/auth/login", { email, password });
  csrfToken = result.csrf_token;
  sessionStorage.setItem("clearline.csrf", csrfToken);
  return result;
}

export async function currentSession() {
  const session = await api("GET", "/v1/auth/session");
  if (session.csrf_token) {
    csrfToken = session.csrf_token;
    sessionStorage.setItem("clearline.csrf", csrfToken);
  }
  return session;
}

export async function logout() {
  try { await api("POST", "/v1/auth/logout"); } finally {
    sessionStorage.removeItem("clearline.csrf");
    location.assign("/login.html");
  }
}

/** Every item of a paginated list, following next_cursor. */
export async function listAll(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api("GET", path + sep + "limit=200" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** A fresh Idempotency-Key for one form sent: a double click or a retried send makes one thing. */
export function idempotencyKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
