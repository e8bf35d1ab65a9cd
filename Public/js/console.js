// The console's frame, the same on every tenant page: the top bar with one environment switcher,
// and the sidebar. Every view and filter is in the address (id, view, env and the view's own
// filters), so any screen can be bookmarked, shared and reloaded as it was.
import { api, currentSession, listAll } from "./api.js";
import { el, renderTopbar, setTimeZone } from "./ui.js";

export const ENVIRONMENTS = ["dev", "qa", "prod"];

// [view, label, page]: views of tenant.html, and the two pages of their own.
const NAVIGATION = [
  ["dashboard", "Dashboard"],
  ["flows", "Flows", "/flows.html"],
  ["runs", "Runs"],
  ["events", "Events"],
  ["connections", "Connections"],
  ["reconciliation", "Reconciliation", "/reconciliation.html"],
  ["alerts", "Alerts"],
  ["payments", "Payments"],
  ["recurring", "Recurring"],
  ["schedules", "Schedules"],
  ["chargebacks", "Chargebacks"],
  ["settings", "Settings"],
];

/** The address of `view` for this tenant and environment, with `filters` as its query. */
export function viewHref(tenantId, view, environment, filters = {}) {
  const page = (NAVIGATION.find(([name]) => name === view) || [])[2] || "/tenant.html";
  const query = new URLSearchParams({ id: tenantId });
  if (page === "/tenant.html") query.set("view", view);
  query.set("env", environment);
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== null && value !== "") query.set(key, value);
  return `${page}?${query}`;
}

/** Puts the view's filters in the address without a reload (so Back and a reload keep them). */
export function setFilters(filters) {
  const query = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === "") query.delete(key);
    else query.set(key, value);
  }
  history.replaceState(null, "", `${location.pathname}?${query}`);
}

/**
 * Draws the frame for `active` and answers who is here and where: the session, the tenant,
 * the environment, whether they may change things, and the message area.
 */
export async function mountConsole(active) {
  const params = new URLSearchParams(location.search);
  const session = await currentSession();
  renderTopbar(session);
  const tenantId = params.get("id") || session.tenant_id;
  if (!tenantId) { location.replace("/"); return null; }
  const requested = params.get("env");
  const environment = ENVIRONMENTS.includes(requested) ? requested : "dev";
  const [tenant, connections] = await Promise.all([
    api("GET", `/v1/tenants/${encodeURIComponent(tenantId)}`),
    listAll(`/v1/tenants/${encodeURIComponent(tenantId)}/environments/${environment}/connections`).catch(() => []),
  ]);
  const zone = connections.find((c) => c.kind === "paytrace" && c.settings?.time_zone)?.settings.time_zone;
  if (zone) setTimeZone(zone);
  document.title = `${NAVIGATION.find(([name]) => name === active)?.[1] || "Console"} · ${tenant.name} · Clearline`;

  const switcher = el("select", { id: "env-switcher", "aria-label": "Environment" },
    ...ENVIRONMENTS.map((name) => el("option", { value: name, ...(name === environment ? { selected: "" } : {}) }, name)));
  switcher.addEventListener("change", () => {
    const query = new URLSearchParams(location.search);
    query.set("env", switcher.value);
    location.assign(`${location.pathname}?${query}`);
  });
  const who = document.getElementById("who");
  who.prepend(el("label", { class: "env-switch" }, el("span", {}, "Environment"), switcher));

  const sidebar = document.getElementById("sidebar");
  sidebar.setAttribute("aria-label", "Console");
  sidebar.replaceChildren(
    el("div", { class: "tenant-name" },
      session.role === "platform_admin" ? el("a", { href: "/", class: "back" }, "All tenants") : null,
      el("strong", { id: "tenant-name" }, tenant.name),
      el("span", { class: "muted small", id: "time-zone" }, `Times in ${zone || Intl.DateTimeFormat().resolvedOptions().timeZone}`)),
    el("ul", {}, ...NAVIGATION.map(([view, label]) => el("li", {},
      el("a", { href: viewHref(tenantId, view, environment), "data-view": view, ...(view === active ? { "aria-current": "page" } : {}) }, label)))));

  return {
    session, tenant, tenantId, environment,
    canWrite: session.role !== "viewer",
    message: document.getElementById("message"),
    base: `/v1/tenants/${encodeURIComponent(tenantId)}/environments/${environment}`,
    href: (view, filters) => viewHref(tenantId, view, environment, filters),
  };
}
