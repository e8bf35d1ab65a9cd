import { login } from "./api.js";
import { showAlert } from "./ui.js";

const form = document.getElementById("login-form");
const message = document.getElementById("message");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("sign-in");
  button.disabled = true;
  try {
    const result = await login(document.getElementById("email").value, document.getElementById("password").value);
    const next = new URLSearchParams(location.search).get("next");
    // Only a page of this site: the address is resolved as the browser would (so `/\\host`,
    // `/%5Chost` and `//host` are seen for the other sites they are) and must stay on this origin.
    const safeNext = safeLocalPath(next);
    if (safeNext) location.assign(safeNext);
    else if (result.user.tenant_id) location.assign("/tenant.html?id=" + encodeURIComponent(result.user.tenant_id));
    else location.assign("/");
  } catch (error) {
    showAlert(message, "error", error.status === 429 ? error.message : error.status === 401 ? "The e-mail or the password is wrong." : error.message);
  } finally {
    button.disabled = false;
  }
});

/** `next` as a path on this site, or null when it would lead anywhere else. */
export function safeLocalPath(next) {
  if (!next || !next.startsWith("/") || /[\\\u0000-\u001f]/.test(decodeURIComponentSafe(next))) return null;
  try {
    const target = new URL(next, location.origin);
    return target.origin === location.origin ? target.pathname + target.search + target.hash : null;
  } catch {
    return null;
  }
}

function decodeURIComponentSafe(text) {
  try { return decodeURIComponent(text); } catch { return text; }
}
