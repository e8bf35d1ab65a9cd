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
    const safeNext = next && next.startsWith("/") && !next.startsWith("//") ? next : null;
    if (safeNext) location.assign(safeNext);
    else if (result.user.tenant_id) location.assign("/tenant.html?id=" + encodeURIComponent(result.user.tenant_id));
    else location.assign("/");
  } catch (error) {
    showAlert(message, "error", error.status === 429 ? error.message : error.status === 401 ? "The e-mail or the password is wrong." : error.message);
  } finally {
    button.disabled = false;
  }
});
