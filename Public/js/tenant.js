import { api, currentSession, listAll } from "./api.js";
import { el, cell, formatDate, renderTopbar, showAlert } from "./ui.js";
import { mountConnections } from "./connections.js";
import { mountIntake } from "./intake.js";
import { mountDisputes } from "./disputes.js";

const message = document.getElementById("message");
const tenantId = new URLSearchParams(location.search).get("id");
let session = null;

async function loadKeys() {
  const keys = await listAll(`/v1/tenants/${encodeURIComponent(tenantId)}/api-keys`);
  const canWrite = session.role !== "viewer";
  document.getElementById("keys").replaceChildren(...keys.map((k) => el("tr", { "data-key-id": k.id },
    cell("Name", k.name),
    cell("Role", el("span", { class: "badge" }, k.role)),
    cell("Key", el("code", {}, `cl_${k.prefix}_…`)),
    cell("Created", formatDate(k.created_at)),
    cell("Last used", formatDate(k.last_used_at)),
    cell("", canWrite ? el("button", { class: "danger", type: "button", onclick: () => revoke(k) }, "Revoke") : null),
  )));
  document.getElementById("keys-empty").classList.toggle("hidden", keys.length > 0);
}

async function revoke(key) {
  if (!confirm(`Revoke "${key.name}"? Anything using it stops working at once.`)) return;
  try {
    await api("DELETE", `/v1/tenants/${encodeURIComponent(tenantId)}/api-keys/${encodeURIComponent(key.id)}`);
    showAlert(message, "success", `Revoked ${key.name}.`);
    await loadKeys();
  } catch (error) {
    showAlert(message, "error", error.message);
  }
}

async function load() {
  if (!tenantId) { location.replace("/"); return; }
  session = await currentSession();
  renderTopbar(session);
  const tenant = await api("GET", `/v1/tenants/${encodeURIComponent(tenantId)}`);
  document.title = `${tenant.name} · Clearline`;
  document.getElementById("tenant-name").textContent = tenant.name;
  document.getElementById("open-flows").href = `/flows.html?id=${encodeURIComponent(tenantId)}`;
  document.getElementById("open-reconciliation").href = `/reconciliation.html?id=${encodeURIComponent(tenantId)}`;
  document.getElementById("crumbs").replaceChildren(
    session.role === "platform_admin" ? el("a", { href: "/" }, "Tenants") : "Tenant", ` / ${tenant.slug}`);
  const environments = await listAll(`/v1/tenants/${encodeURIComponent(tenantId)}/environments`);
  const order = { dev: 0, qa: 1, prod: 2 };
  environments.sort((a, b) => order[a.name] - order[b.name]);
  const counts = environments.map((e) => el("div", { class: "muted", "data-env-count": e.name }, "…"));
  document.getElementById("environments").replaceChildren(...environments.map((e, i) =>
    el("div", { class: "env" }, el("strong", {}, e.name), counts[i])));
  const refreshCounts = async () => {
    for (const counter of counts) {
      const n = (await listAll(`/v1/tenants/${encodeURIComponent(tenantId)}/environments/${counter.dataset.envCount}/connections`)).length;
      counter.textContent = n === 0 ? "No connections yet" : n === 1 ? "1 connection" : `${n} connections`;
    }
  };
  document.getElementById("key-form").classList.toggle("hidden", session.role === "viewer");
  await mountConnections({ tenantId, canWrite: session.role !== "viewer", container: document.getElementById("connections-panel"),
                           message, onChange: refreshCounts });
  await refreshCounts();
  await mountIntake({ tenantId, canWrite: session.role !== "viewer", container: document.getElementById("intake-panel"), message });
  await mountDisputes({ tenantId, canWrite: session.role !== "viewer", container: document.getElementById("disputes-panel"), message });
  await loadKeys();
}

document.getElementById("key-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("create-key");
  button.disabled = true;
  try {
    const key = await api("POST", `/v1/tenants/${encodeURIComponent(tenantId)}/api-keys`, {
      name: document.getElementById("key-name").value,
      role: document.getElementById("key-role").value,
    });
    document.getElementById("new-key-token").textContent = key.token;
    document.getElementById("new-key").classList.remove("hidden");
    event.target.reset();
    message.replaceChildren();
    await loadKeys();
  } catch (error) {
    showAlert(message, "error", error.message);
  } finally {
    button.disabled = false;
  }
});

document.getElementById("copy-key").addEventListener("click", async () => {
  const token = document.getElementById("new-key-token").textContent;
  try {
    await navigator.clipboard.writeText(token);
    document.getElementById("copy-key").textContent = "Copied";
  } catch {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById("new-key-token"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
});

// Back from "Connect Zoho": say how it went once, then drop the notice from the address. Only
// known notices are shown, in our own words; a reason from the URL follows a fixed prefix.
const NOTICES = {
  "zoho-connected": ["success", "Zoho is connected."],
  "zoho-failed": ["error", "Zoho was not connected: "],
  "zoho-denied": ["error", "Zoho did not grant access: "],
};
const params = new URLSearchParams(location.search);
const notice = NOTICES[params.get("notice")];
load().then(() => {
  if (notice) {
    const reason = notice[0] === "error" ? (params.get("reason") || "no reason given").slice(0, 200) : "";
    showAlert(message, notice[0], notice[1] + reason);
    history.replaceState(null, "", "/tenant.html?id=" + encodeURIComponent(tenantId));
  }
}).catch((error) => showAlert(message, "error", error.message));
