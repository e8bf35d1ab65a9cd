import { api, currentSession, listAll } from "./api.js";
import { el, cell, formatDate, renderTopbar, showAlert } from "./ui.js";

const message = document.getElementById("message");

async function load() {
  const session = await currentSession();
  renderTopbar(session);
  if (session.role !== "platform_admin") {
    location.replace("/tenant.html?id=" + encodeURIComponent(session.tenant_id));
    return;
  }
  const tenants = await listAll("/v1/tenants");
  document.getElementById("tenants").replaceChildren(...tenants.map((t) => el("tr", { "data-tenant": t.slug },
    cell("Name", el("a", { href: "/tenant.html?id=" + encodeURIComponent(t.id) }, t.name)),
    cell("Slug", el("code", {}, t.slug)),
    cell("Status", el("span", { class: "badge " + (t.status === "active" ? "ok" : "warn") }, t.status)),
    cell("Created", formatDate(t.created_at)),
  )));
  document.getElementById("tenants-empty").classList.toggle("hidden", tenants.length > 0);
}

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
