// A customer's card on file, through PayTrace's hosted fields: the link's fragment holds
// <tenant>.<request>.<secret> (a fragment never reaches a server or its logs); the page asks
// Clearline for a PayTrace Protect client key, loads PayTrace's library, and sends Clearline only
// the token the fields give back. The card number stays between the customer and PayTrace.
import { showAlert } from "./ui.js";

const intro = document.getElementById("card-intro");
const form = document.getElementById("card-form");
const message = document.getElementById("message");
const [tenant, request, secret] = location.hash.slice(1).split(".");
const path = `/card-links/${encodeURIComponent(tenant || "-")}/${encodeURIComponent(request || "-")}`;

async function call(method, body) {
  const response = await fetch(path, {
    method, credentials: "omit",
    headers: { Accept: "application/json", "Clearline-Card-Token": secret || "", ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const fields = (data.errors || []).map((e) => e.message).join("; ");
    throw Object.assign(new Error(fields || data.detail || `The request failed (${response.status}).`), { status: response.status });
  }
  return data;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error("PayTrace's payment fields could not be loaded."));
    document.head.appendChild(script);
  });
}

async function start() {
  if (!tenant || !request || !secret) {
    intro.textContent = "This link is incomplete: open the whole link you were sent.";
    return;
  }
  let link;
  try {
    link = await call("GET");
  } catch (error) {
    intro.textContent = error.status === 404 ? "No such card request: check the link you were sent." : error.message;
    return;
  }
  intro.textContent = `${link.merchant} asks to keep a card on file${link.customer_name ? ` for ${link.customer_name}` : ""}.`;
  await loadScript(link.protect_script);
  const instance = await window.PTPayment.setup({ authorization: { clientKey: link.client_key } });
  form.classList.remove("hidden");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = document.getElementById("save-card");
    button.disabled = true;
    instance.validate(async (problems) => {
      try {
        if (problems.length) throw new Error(problems.map((p) => p.description).join(" "));
        const tokenized = await instance.process();
        const saved = await call("POST", { hpf_token: tokenized.message.hpf_token, enc_key: tokenized.message.enc_key });
        form.classList.add("hidden");
        showAlert(message, "success", `Card saved${saved.masked_card_number ? ` (${saved.masked_card_number.slice(-4).padStart(8, "•")})` : ""}. You can close this page.`);
      } catch (error) {
        showAlert(message, "error", error.message || (error.errors || []).map((p) => p.description).join(" ") || "The card could not be saved.");
        button.disabled = false;
      }
    });
  });
}

start().catch((error) => showAlert(message, "error", error.message));
