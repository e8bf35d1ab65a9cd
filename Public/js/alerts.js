// Alerts of one environment as incidents, one per cause (a connection, a settlement, one
// failure however many jobs it killed, the chargebacks waiting), each acknowledged at once.
import { api } from "./api.js";
import { el, cell, formatDate, showAlert } from "./ui.js";
import { mountAlertRoutes } from "./alert-routes.js";
import { mountFraudSettings } from "./fraud-settings.js";

const KINDS = {
  chargeback: ["Chargebacks", "chargebacks", "Decide each case on the chargebacks page."],
  circuit_open: ["Connection stopped", "connections", "Correct its credentials or reconnect it, then replay the dead letters."],
  job_dead: ["Jobs gave up", "events", "Fix the cause, then replay the dead letters."],
  reconciliation_drift: ["Settlement does not balance", "reconciliation", "Open the settlement and repair each difference."],
  fraud: ["Fraud or anomaly", "payments", "Look at the transactions named; refund or block what is not the customer's."],
  payment_request: ["Payment request", "payments", "Open the payment request for what PayTrace answered."],
  invoice_collection: ["Invoice collection", "schedules", "Give the customer a PayTrace vault profile, or collect the invoice by hand."],
  recurring_plan: ["Recurring billing", "recurring", "The plan is past due: update the customer's card, then resume it."],
};

export async function mountAlerts(ctx, container) {
  const rows = el("tbody", { id: "incidents" });
  const empty = el("div", { class: "empty hidden", id: "incidents-empty" },
    "Nothing needs a person in this environment. Alerts appear here when a connection stops, jobs give up, a settlement does not balance or a chargeback arrives.");
  container.replaceChildren(el("section", { class: "card" },
    el("p", { class: "muted" }, "Open alerts grouped by cause: acknowledging an incident acknowledges every alert in it."),
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Incident", "Alerts", "Since", "Latest", ""].map((h) => el("th", {}, h)))), rows),
    empty));

  async function acknowledge(incident, button) {
    button.disabled = true;
    try {
      const result = await api("POST", `${ctx.base}/alert-incidents/${incident.key}/acknowledge`);
      showAlert(ctx.message, "success", `Acknowledged ${result.acknowledged} alert${result.acknowledged === 1 ? "" : "s"}: ${KINDS[incident.kind]?.[0] || incident.kind}.`);
      await load();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
      button.disabled = false;
    }
  }

  async function notFraud(incident, button) {
    button.disabled = true;
    try {
      const result = await api("POST", `${ctx.base}/alert-incidents/${incident.key}/not-fraud`, { quiet_days: 30 });
      showAlert(ctx.message, "success", `Marked not fraud; this detector stays quiet for that cause for ${result.quiet_days} days.`);
      await load();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
      button.disabled = false;
    }
  }

  // A fraud alert names its evidence last ("PayTrace transactions: 1, 2, 3."): each becomes a
  // link to the runs of that transaction.
  function summary(incident) {
    const match = incident.kind === "fraud" && /^(.*) PayTrace transactions: ([0-9, ]+)\.$/s.exec(incident.summary);
    if (!match) return el("p", { class: "muted small" }, incident.summary);
    const ids = match[2].split(", ").slice(-20);
    return el("div", { class: "muted small" }, el("p", {}, match[1]),
      el("p", { "data-evidence": "" }, "PayTrace transactions: ",
        ...ids.flatMap((id, index) => [index ? ", " : "", el("a", { href: ctx.href("runs", { q: id }) }, id)])));
  }

  async function load() {
    const incidents = (await api("GET", `${ctx.base}/alert-incidents?limit=200`)).items;
    rows.replaceChildren(...incidents.map((incident) => {
      const [title, view, advice] = KINDS[incident.kind] || [incident.kind, null, ""];
      return el("tr", { "data-incident": incident.kind },
        cell("Incident", el("div", {}, el("strong", {}, title), summary(incident),
          view ? el("a", { href: ctx.href(view) }, advice) : null)),
        cell("Alerts", String(incident.count)),
        cell("Since", formatDate(incident.first_raised_at)),
        cell("Latest", formatDate(incident.last_raised_at)),
        cell("", ctx.canWrite ? el("div", { class: "row-actions" },
          el("button", { type: "button", class: "secondary", onclick: (e) => acknowledge(incident, e.currentTarget) },
            incident.count === 1 ? "Acknowledge" : `Acknowledge all ${incident.count}`),
          incident.kind === "fraud" ? el("button", { type: "button", class: "secondary", "data-not-fraud": incident.key, onclick: (e) => notFraud(incident, e.currentTarget) }, "Not fraud") : null) : null));
    }));
    empty.classList.toggle("hidden", incidents.length > 0);
  }
  await load();
  await mountAlertRoutes(ctx, container);
  await mountFraudSettings(ctx, container);
}
