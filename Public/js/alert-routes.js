// Where the tenant's alerts go: webhooks (a chat's incoming webhook, an incident tool) and
// e-mail addresses, each with the kinds, environments and least severity it takes. A new
// webhook's signing secret is shown once; "Send test" says at once whether the receiver took a
// test message; each route's recent messages show their attempts and the last refusal.
import { api } from "./api.js";
import { el, cell, formatDate, showAlert, statusBadge } from "./ui.js";

const KIND_NAMES = {
  fraud: "Fraud and anomalies", chargeback: "Chargebacks", reconciliation_drift: "Settlement does not balance", job_dead: "Jobs gave up",
  circuit_open: "Connection stopped", payment_request: "Payment requests", invoice_collection: "Invoice collection", recurring_plan: "Recurring billing",
};

export async function mountAlertRoutes(ctx, container) {
  const routesPath = `/v1/tenants/${encodeURIComponent(ctx.tenantId)}/alert-routes`;
  const rows = el("tbody", { id: "alert-routes" });
  const empty = el("div", { class: "empty hidden", id: "alert-routes-empty" },
    "No alert goes anywhere yet: alerts only show on this page. Add a webhook (a chat channel's incoming webhook) or e-mail addresses below.");
  const log = el("section", { id: "alert-route-log", class: "hidden", "aria-live": "polite" });

  const inputs = {
    name: el("input", { id: "route-name", name: "name", required: "", maxlength: "100", placeholder: "Ops chat" }),
    channel: el("select", { id: "route-channel", name: "channel" }, el("option", { value: "webhook" }, "Webhook"), el("option", { value: "email" }, "E-mail")),
    url: el("input", { id: "route-url", name: "url", type: "url", maxlength: "2048", placeholder: "https://hooks.example.com/services/..." }),
    recipients: el("input", { id: "route-recipients", name: "recipients", maxlength: "2000", placeholder: "oncall@example.com, finance@example.com" }),
    min_severity: el("select", { id: "route-severity", name: "min_severity" },
      ...[["warning", "Warnings and critical"], ["critical", "Critical only"], ["info", "Everything"]].map(([v, t]) => el("option", { value: v }, t))),
    gather_seconds: el("input", { id: "route-gather", name: "gather_seconds", type: "number", min: "0", max: "3600", value: "30" }),
  };
  const kindBoxes = Object.entries(KIND_NAMES).map(([kind, label]) =>
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "kinds", value: kind }), ` ${label}`));
  const urlLabel = el("label", { class: "grow" }, "Webhook address", inputs.url);
  const recipientsLabel = el("label", { class: "grow hidden" }, "E-mail addresses (comma between)", inputs.recipients);
  inputs.channel.addEventListener("change", () => {
    const email = inputs.channel.value === "email";
    urlLabel.classList.toggle("hidden", email);
    recipientsLabel.classList.toggle("hidden", !email);
  });
  const secretNote = el("div", { id: "route-secret", class: "hidden", role: "status" });
  const form = el("form", { id: "route-form", class: ctx.canWrite ? "" : "hidden", autocomplete: "off" },
    el("h2", {}, "Add a route"),
    el("div", { class: "form-grid" }, el("label", {}, "Name", inputs.name), el("label", {}, "Send to", inputs.channel), urlLabel, recipientsLabel,
      el("label", {}, "Severity", inputs.min_severity), el("label", {}, "Gather for (seconds)", inputs.gather_seconds)),
    el("fieldset", { class: "checks" }, el("legend", {}, "Kinds (none ticked: every kind)"), ...kindBoxes),
    el("div", { class: "actions" }, el("button", { type: "submit", id: "add-route" }, "Add route")), secretNote);

  container.append(el("section", { class: "card", id: "alert-routes-card" },
    el("h2", {}, "Where alerts go"),
    el("table", { class: "responsive" },
      el("thead", {}, el("tr", {}, ...["Route", "Takes", "State", ""].map((h) => el("th", {}, h)))), rows),
    empty, log, form));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: inputs.name.value.trim(), channel: inputs.channel.value, min_severity: inputs.min_severity.value,
      gather_seconds: Number(inputs.gather_seconds.value || 30), kinds: kindBoxes.map((l) => l.firstChild).filter((b) => b.checked).map((b) => b.value) };
    if (body.channel === "webhook") body.url = inputs.url.value.trim();
    else body.recipients = inputs.recipients.value.split(/[,;\s]+/).filter(Boolean);
    try {
      const route = await api("POST", routesPath, body);
      form.reset();
      inputs.channel.dispatchEvent(new Event("change"));
      showAlert(ctx.message, "success", `Route "${route.name}" added.`);
      secretNote.classList.toggle("hidden", !route.signing_secret);
      if (route.signing_secret) {
        secretNote.replaceChildren(el("p", {}, "Signing secret (shown this once; the receiver verifies webhook-signature with it):"),
          el("code", { id: "route-secret-value" }, route.signing_secret));
      }
      await load();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  });

  async function test(route, button) {
    button.disabled = true;
    try {
      const result = await api("POST", `${routesPath}/${route.id}/test`);
      showAlert(ctx.message, result.ok ? "success" : "error", `${route.name}: ${result.message}`);
      await showLog(route);
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    } finally {
      button.disabled = false;
    }
  }

  async function toggle(route, button) {
    button.disabled = true;
    try {
      await api("PATCH", `${routesPath}/${route.id}`, { enabled: !route.enabled });
      await load();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
      button.disabled = false;
    }
  }

  async function remove(route, button) {
    if (!confirm(`Remove the route ${route.name}? Its messages go with it; the alerts stay.`)) return;
    button.disabled = true;
    try {
      await api("DELETE", `${routesPath}/${route.id}`);
      showAlert(ctx.message, "success", `Route "${route.name}" removed.`);
      log.classList.add("hidden");
      await load();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
      button.disabled = false;
    }
  }

  async function showLog(route) {
    const messages = (await api("GET", `${routesPath}/${route.id}/notifications?limit=20`)).items;
    log.classList.remove("hidden");
    log.replaceChildren(el("h3", {}, `Messages on ${route.name}`),
      messages.length === 0 ? el("p", { class: "muted" }, "Nothing sent yet.") :
        el("table", { class: "responsive", id: "route-messages" },
          el("thead", {}, el("tr", {}, ...["When", "What", "State", "Attempts"].map((h) => el("th", {}, h)))),
          el("tbody", {}, ...messages.map((m) => el("tr", {},
            cell("When", formatDate(m.sent_at || m.created_at)),
            cell("What", m.test ? "Test message" : `${m.alert_count} alert${m.alert_count === 1 ? "" : "s"}`),
            cell("State", statusBadge(m.status), m.last_error ? el("p", { class: "muted small" }, m.last_error) : null),
            cell("Attempts", String(m.attempts)))))));
  }

  async function load() {
    const routes = (await api("GET", `${routesPath}?limit=200`)).items;
    rows.replaceChildren(...routes.map((route) => el("tr", { "data-route": route.id },
      cell("Route", el("div", {}, el("strong", {}, route.name),
        el("p", { class: "muted small" }, route.channel === "webhook" ? route.url : (route.recipients || []).join(", ")))),
      cell("Takes", `${{ info: "Everything", warning: "Warnings and critical", critical: "Critical only" }[route.min_severity]}; `
        + (route.kinds.length ? route.kinds.map((k) => KIND_NAMES[k] || k).join(", ") : "every kind")),
      cell("State", statusBadge(route.enabled ? "active" : "paused")),
      cell("", el("div", { class: "row-actions" },
        el("button", { type: "button", class: "secondary", onclick: () => showLog(route) }, "Messages"),
        ctx.canWrite ? el("button", { type: "button", class: "secondary", "data-test-route": route.id, onclick: (e) => test(route, e.currentTarget) }, "Send test") : null,
        ctx.canWrite ? el("button", { type: "button", class: "secondary", onclick: (e) => toggle(route, e.currentTarget) }, route.enabled ? "Turn off" : "Turn on") : null,
        ctx.canWrite ? el("button", { type: "button", class: "danger", onclick: (e) => remove(route, e.currentTarget) }, "Remove") : null)))));
    empty.classList.toggle("hidden", routes.length > 0);
  }
  await load();
}
