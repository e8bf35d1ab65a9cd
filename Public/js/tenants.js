import { api, currentSession } from "./api.js";
import { el, cell, pagePath, pager, renderTopbar, showAlert } from "./ui.js";

const message = document.getElementById("message");

async function load() {
  const session = await currentSession();
  renderTopbar(session);
  if (session.role !== "platform_admin") {
    location.replace("/tenant.html?id=" + encodeURIComponent(session.tenant_id));
    return;
  }
  await pages.first();
}

/** A tenant's state in a word: what needs a person first, else how its runs went. */
function health(t) {
  if (t.status !== "active") return el("span", { class: "badge warn" }, t.status);
  if (t.dead_letters || t.runs_failed) return el("span", { class: "badge bad" }, `${t.dead_letters} dead, ${t.runs_failed} failed`);
  if (t.open_alerts || t.runs_review) return el("span", { class: "badge warn" }, `${t.open_alerts} alerts, ${t.runs_review} held`);
  return el("span", { class: "badge ok" }, t.events ? "healthy" : "quiet");
}

// Each tenant with its last 24 hours and what waits, a page at a time.
const pages = pager(async (cursor, limit) => {
  const query = document.getElementById("tenant-query").value.trim();
  const page = await api("GET", pagePath("/v1/tenant-health" + (query ? `?q=${encodeURIComponent(query)}` : ""), cursor, limit));
  document.getElementById("tenants").replaceChildren(...page.items.map((t) => el("tr", { "data-tenant": t.slug },
    cell("Name", el("a", { href: "/tenant.html?id=" + encodeURIComponent(t.tenant_id) }, t.name), " ", el("code", {}, t.slug)),
    cell("Health (24 h)", health(t)),
    cell("Runs (24 h)", `${t.runs_succeeded} succeeded of ${t.runs_succeeded + t.runs_failed + t.runs_review}, ${t.events} events`),
    cell("Waiting", t.queued ? `${t.queued} jobs, oldest ${t.oldest_wait_seconds} s` : "nothing"),
    cell("Status", el("span", { class: "badge " + (t.status === "active" ? "ok" : "warn") }, t.status)),
  )));
  document.getElementById("tenants-empty").classList.toggle("hidden", page.items.length > 0 || cursor !== null);
  return page;
}, { pageSize: 50 });
document.getElementById("tenants-pager").append(pages.nav);
document.getElementById("tenant-query").value = new URLSearchParams(location.search).get("q") || "";
document.getElementById("tenant-search").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = document.getElementById("tenant-query").value.trim();
  history.replaceState(null, "", query ? `/?q=${encodeURIComponent(query)}` : "/");
  pages.first().catch((error) => showAlert(message, "error", error.message));
});

document.getElementById("tenant-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("create-tenant");
  button.disabled = true;
  try {
    const tenant = await api("POST", "/v1/tenants", {
      name: document.getElementById("tenant-name").value,
      slug: document.getElementById("tenant-slug").value,
    });
    event.target.reset();
    showAlert(message, "success", `Created ${tenant.name}.`);
    await load();
  } catch (error) {
    showAlert(message, "error", error.message);
  } finally {
    button.disabled = false;
  }
});

load().catch((error) => showAlert(message, "error", error.message));
