// Event intake per environment: webhook endpoints (with how to send to each), the queue, recent
// events with their jobs, and dead letters to replay. Secrets appear once, when made.
import { api, listAll } from "./api.js";
import { el, cell, formatDate, pagePath, pager, showAlert } from "./ui.js";

const VERIFICATIONS = {
  clearline_signature: "Clearline signature (shops, other systems)",
  zoho_signature: "Zoho webhook signature",
  shared_secret: "Shared secret in a header",
  paytrace_silent_post: "PayTrace Silent Post (confirmed through PayTrace)",
  standard_webhooks: "Standard Webhooks signature (webhook-id, webhook-signature)",
};

export function mountIntake({ tenantId, canWrite, container, message, environment: fixed }) {
  // The console's environment switcher chooses it; without one, tabs here do.
  let environment = fixed || "dev";
  const base = () => `/v1/tenants/${encodeURIComponent(tenantId)}/environments/${environment}`;

  const tabs = el("div", { class: "tabs", role: "tablist" }, ...["dev", "qa", "prod"].map((name) =>
    el("button", { type: "button", role: "tab", class: "tab", "data-env": name, onclick: () => { environment = name; render(); } }, name)));
  const queue = el("p", { class: "muted", id: "queue-line" }, "…");

  const nameInput = el("input", { id: "endpoint-name", required: "", maxlength: "200", placeholder: "e.g. Storefront orders" });
  const sourceInput = el("input", { id: "endpoint-source", required: "", maxlength: "40", placeholder: "shop", pattern: "[a-z][a-z0-9_]*" });
  const verification = el("select", { id: "endpoint-verification" }, ...Object.entries(VERIFICATIONS).map(([k, v]) => el("option", { value: k }, v)));
  const headerInput = el("input", { id: "endpoint-header", maxlength: "100", placeholder: "X-Webhook-Token" });
  const connection = el("select", { id: "endpoint-connection" });
  const headerLabel = el("label", { class: "hidden" }, "Secret header", headerInput);
  const connectionLabel = el("label", { class: "hidden" }, "PayTrace connection", connection);
  verification.addEventListener("change", () => {
    headerLabel.classList.toggle("hidden", verification.value !== "shared_secret");
    connectionLabel.classList.toggle("hidden", verification.value !== "paytrace_silent_post");
  });
  const secretBox = el("div", { class: "token hidden", role: "status", id: "endpoint-secret" });
  const form = el("form", { id: "endpoint-form", class: canWrite ? "" : "hidden", autocomplete: "off" },
    el("div", { class: "form-grid" }, el("label", {}, "Name", nameInput), el("label", {}, "Source", sourceInput),
      el("label", {}, "Verification", verification), headerLabel, connectionLabel),
    el("div", { class: "actions" }, el("button", { type: "submit", id: "create-endpoint" }, "Add endpoint")));
  const endpoints = el("tbody", { id: "endpoints" });
  const events = el("tbody", { id: "events" });
  const statusFilter = el("select", { id: "event-status", onchange: () => eventPages.first() },
    el("option", { value: "" }, "any status"), ...["pending", "completed", "dead"].map((s) => el("option", { value: s }, s)));
  const detail = el("pre", { class: "detail hidden", id: "event-detail" });
  const dead = el("tbody", { id: "dead-letters" });
  const replayAll = el("button", { type: "button", class: "secondary", id: "replay-all", onclick: () => replay(null) }, "Replay all");

  const eventPages = pager((cursor, limit) => loadEvents(cursor, limit));
  const deadPages = pager((cursor, limit) => loadDead(cursor, limit));
  container.replaceChildren(...(fixed ? [] : [tabs]), queue,
    el("h3", {}, "Webhook endpoints"), form, secretBox,
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Name", "Source", "Verification", "URL", "Status", ""].map((h) => el("th", {}, h)))), endpoints),
    el("h3", {}, "Recent events"), el("div", { class: "inline" }, el("label", {}, "Show", statusFilter)),
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Received", "Source", "Type", "Status", ""].map((h) => el("th", {}, h)))), events),
    eventPages.nav, detail,
    el("h3", { id: "dead-letters-heading" }, "Dead letters"), canWrite ? replayAll : null,
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Job", "Kind", "Attempts", "Last error", "Died", ""].map((h) => el("th", {}, h)))), dead),
    deadPages.nav);

  function showSecret(endpoint) {
    if (!endpoint.secret) { secretBox.classList.add("hidden"); return; }
    secretBox.replaceChildren(
      el("span", {}, `Secret for ${endpoint.name}; copy it now, it will not be shown again:`),
      el("code", { id: "endpoint-secret-value" }, endpoint.secret),
      el("button", { type: "button", class: "secondary", onclick: () => navigator.clipboard && navigator.clipboard.writeText(endpoint.secret) }, "Copy"));
    secretBox.classList.remove("hidden");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: nameInput.value, source: sourceInput.value, verification: verification.value };
    if (verification.value === "shared_secret" && headerInput.value) body.secret_header = headerInput.value;
    if (verification.value === "paytrace_silent_post") body.connection_id = connection.value;
    try {
      const created = await api("POST", `${base()}/webhook-endpoints`, body);
      showAlert(message, "success", `Added ${created.name}. ${created.instructions}`);
      showSecret(created);
      form.reset();
      verification.dispatchEvent(new Event("change"));
      await loadEndpoints();
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  });

  async function act(endpoint, action) {
    try {
      const updated = await api("POST", `${base()}/webhook-endpoints/${encodeURIComponent(endpoint.id)}/${action}`);
      showAlert(message, "success", action === "rotate-secret" ? `New secret for ${endpoint.name}; the old one works for 24 hours more.` : `${endpoint.name} is ${updated.status}.`);
      showSecret(updated);
      await loadEndpoints();
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  }

  /** The event types the flows deployed here take, by source: what a sender should name. */
  async function listenedTypes() {
    const deployments = await listAll(`${base()}/deployments`);
    const versions = await Promise.all(deployments.map(({ flow_id: flowId, version }) =>
      api("GET", `/v1/tenants/${encodeURIComponent(tenantId)}/flows/${flowId}/versions/${version}`)));
    const bySource = {};
    for (const deployed of versions) {
      const trigger = deployed.definition?.trigger || {};
      for (const type of trigger.event_types || []) (bySource[trigger.source] ||= new Set()).add(type);
    }
    return bySource;
  }

  /** A delivery to `endpoint` a person can paste into a shell, signed as the endpoint checks. */
  function example(endpoint, type) {
    const body = JSON.stringify({ type, id: "example-1" });
    if (endpoint.verification === "clearline_signature") {
      return [`SECRET='<the endpoint's secret>'`, `BODY='${body}'`, "T=$(date +%s)",
        "SIG=$(printf '%s.%s' \"$T\" \"$BODY\" | openssl dgst -sha256 -hmac \"$SECRET\" | sed 's/^.* //')",
        `curl -X POST '${endpoint.url}' -H 'Content-Type: application/json' -H "Clearline-Event-Id: $(uuidgen)" -H "Clearline-Signature: t=$T,v1=$SIG" -d "$BODY"`].join("\n");
    }
    if (endpoint.verification === "shared_secret") {
      return `curl -X POST '${endpoint.url}' -H 'Content-Type: application/json' -H '${endpoint.secret_header || "X-Webhook-Token"}: <the endpoint's secret>' -H "Clearline-Event-Id: $(uuidgen)" -d '${body}'`;
    }
    return null;
  }

  async function loadEndpoints() {
    const [list, listened] = await Promise.all([listAll(`${base()}/webhook-endpoints`), listenedTypes()]);
    endpoints.replaceChildren(...list.map((e) => el("tr", { "data-endpoint-id": e.id },
      cell("Name", e.name),
      cell("Source", e.source),
      cell("Verification", VERIFICATIONS[e.verification] || e.verification),
      cell("URL", el("code", {}, e.url), howToSend(e, [...(listened[e.source] || [])].sort())),
      cell("Status", el("span", { class: "badge " + (e.status === "active" ? "ok" : "warn") }, e.status)),
      cell("", canWrite ? el("span", { class: "row-actions" },
        e.verification !== "paytrace_silent_post" ? el("button", { type: "button", class: "secondary", onclick: () => act(e, "rotate-secret") }, "Rotate secret") : null,
        el("button", { type: "button", class: e.status === "active" ? "danger" : "secondary", onclick: () => act(e, e.status === "active" ? "disable" : "enable") },
          e.status === "active" ? "Disable" : "Enable")) : null))));
  }

  function howToSend(endpoint, types) {
    const sample = example(endpoint, types[0] || "order.paid");
    const code = sample ? el("pre", { class: "detail", "data-example": endpoint.id }, sample) : null;
    return el("details", {}, el("summary", {}, "How to send"),
      el("p", { class: "muted" }, types.length
        ? `Flows deployed in ${environment} take these ${endpoint.source} event types: ${types.join(", ")}.`
        : `No flow deployed in ${environment} takes events from ${endpoint.source} yet: deliveries are stored and run nothing.`),
      el("p", { class: "muted" }, endpoint.instructions),
      code, code ? el("button", { type: "button", class: "secondary", onclick: (event) => {
        navigator.clipboard?.writeText(sample).then(() => { event.target.textContent = "Copied"; }, () => {});
      } }, "Copy example") : null);
  }

  async function loadEvents(cursor, limit) {
    const filter = statusFilter.value ? `?status=${statusFilter.value}` : "";
    const page = await api("GET", pagePath(`${base()}/events${filter}`, cursor, limit));
    events.replaceChildren(...page.items.map((e) => el("tr", { "data-event-id": e.id },
      cell("Received", formatDate(e.received_at)),
      cell("Source", e.source),
      cell("Type", e.type || "—"),
      cell("Status", el("span", { class: "badge " + (e.status === "completed" ? "ok" : e.status === "dead" ? "bad" : "") }, e.status)),
      cell("", el("button", { type: "button", class: "secondary", onclick: () => show(e) }, "View")))));
    if (page.items.length === 0 && !cursor) events.replaceChildren(el("tr", {}, el("td", { colspan: "5", class: "empty" }, "No events yet. Send one to an endpoint above, or from the dashboard's sandbox buttons.")));
    return page;
  }

  async function show(summary) {
    try {
      const event = await api("GET", `${base()}/events/${encodeURIComponent(summary.id)}`);
      detail.textContent = JSON.stringify(event, null, 2);
      detail.classList.remove("hidden");
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  }

  async function loadDead(cursor, limit) {
    const page = await api("GET", pagePath(`${base()}/dead-letters`, cursor, limit));
    dead.replaceChildren(...page.items.map((j) => el("tr", { "data-job-id": String(j.id) },
      cell("Job", String(j.id)),
      cell("Kind", j.kind),
      cell("Attempts", String(j.attempts)),
      cell("Last error", j.last_error || ""),
      cell("Died", formatDate(j.finished_at)),
      cell("", canWrite ? el("button", { type: "button", class: "secondary", onclick: () => replay(j) }, "Replay") : null))));
    replayAll.disabled = page.items.length === 0;
    if (page.items.length === 0 && !cursor) dead.replaceChildren(el("tr", {}, el("td", { colspan: "6", class: "empty" }, "No dead letters: every job finished or is still trying.")));
    return page;
  }

  async function replay(job) {
    try {
      const result = job ? await api("POST", `${base()}/jobs/${job.id}/replay`) : await api("POST", `${base()}/dead-letters/replay`, {});
      showAlert(message, "success", `Queued again: ${result.replayed.length} job(s).`);
      await Promise.all([deadPages.first(), loadQueue()]);
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  }

  async function loadQueue() {
    const q = await api("GET", `/v1/tenants/${encodeURIComponent(tenantId)}/queue`);
    const row = q.environments.find((e) => e.environment === environment);
    queue.textContent = row ? `Queue: ${row.queued} waiting, ${row.running} running, oldest waiting ${Math.round(row.oldest_age_seconds)} s, ${row.dead_letters} dead letters.` : "";
  }

  async function loadConnections() {
    const list = (await listAll(`${base()}/connections`)).filter((c) => c.kind === "paytrace");
    connection.replaceChildren(...list.map((c) => el("option", { value: c.id }, c.name)));
  }

  async function render() {
    tabs.querySelectorAll(".tab").forEach((t) => t.setAttribute("aria-selected", String(t.dataset.env === environment)));
    secretBox.classList.add("hidden");
    detail.classList.add("hidden");
    await Promise.all([loadEndpoints(), eventPages.first(), deadPages.first(), loadQueue(), loadConnections()]);
    // The dashboard's dead-letter figure links here.
    if (new URLSearchParams(location.search).get("tab") === "dead") document.getElementById("dead-letters-heading")?.scrollIntoView();
  }

  return render();
}
