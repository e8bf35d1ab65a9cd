// The fraud detectors of one environment: each on or off, with the thresholds at which it
// speaks. Saved together; only what changed is sent, and a refusal names the field.
import { api } from "./api.js";
import { el, formatDate, showAlert } from "./ui.js";

const DETECTORS = [
  ["card_testing", "Card testing", "A burst of small attempts by one customer (or keyed-in cards), mostly declined.", [
    ["attempts", "Attempts", "number"], ["max_amount", "Each at most (USD)", "text"], ["window_minutes", "Within (minutes)", "number"],
    ["decline_share", "Declined share (0 to 1)", "number"]]],
  ["velocity", "Velocity", "Too many charges of one customer within an hour.", [["per_hour", "Charges an hour", "number"]]],
  ["duplicate_charge", "Duplicate charge", "The same customer charged the same amount again within minutes.", [["window_minutes", "Within (minutes)", "number"]]],
  ["unusual_amount", "Unusual amount", "An amount far above what the customer usually pays.", [
    ["min_history", "Earlier charges before it speaks", "number"], ["deviations", "Deviations above their median", "number"]]],
  ["decline_spike", "Decline spike", "Many more declines in 15 minutes than the environment's last 28 days.", [
    ["min_attempts", "Attempts at least", "number"], ["share", "Declined share (0 to 1)", "number"]]],
  ["refund_spike", "Refund spike", "Many more refunds in an hour than usual.", [["min_refunds", "Refunds at least", "number"]]],
  ["chargeback_ratio", "Chargeback ratio", "Chargebacks of the last 30 days against the approved sales of those days.", [
    ["min_chargebacks", "Chargebacks at least", "number"], ["share", "Share of sales (0 to 1)", "number"]]],
  ["settlement_fees", "Settlement fees", "A PayTrace batch whose fees are far above the share of sales its batches usually pay.", []],
  ["missing_batch", "Missing batch", "A day with sales and no batch, where one settles every day.", []],
];

export async function mountFraudSettings(ctx, container) {
  const path = `${ctx.base}/fraud-settings`;
  const fields = {};
  const note = el("p", { class: "muted small", id: "fraud-settings-note" });
  const groups = DETECTORS.map(([name, title, help, inputs]) => {
    const enabled = el("input", { type: "checkbox", id: `fraud-${name}-enabled` });
    fields[name] = { enabled, inputs: {} };
    return el("fieldset", { class: "checks", "data-detector": name },
      el("legend", {}, title),
      el("label", { class: "check" }, enabled, " On"),
      el("p", { class: "muted small grow" }, help),
      ...inputs.map(([field, label, type]) => {
        const input = el("input", { id: `fraud-${name}-${field}`, type, step: "any", min: "0", disabled: ctx.canWrite ? null : "" });
        fields[name].inputs[field] = input;
        return el("label", {}, label, input);
      }));
  });
  const form = el("form", { id: "fraud-settings-form", autocomplete: "off" }, ...groups,
    ctx.canWrite ? el("div", { class: "actions" }, el("button", { type: "submit", id: "save-fraud-settings" }, "Save detectors")) : null);
  container.append(el("section", { class: "card", id: "fraud-settings-card" },
    el("h2", {}, "Fraud detectors"),
    el("p", { class: "muted" }, "Each detector learns this environment's own traffic and says why it speaks; change when it speaks, or turn it off. Incidents marked “Not fraud” keep it quiet for that customer for 30 days."),
    note, form));

  let current = {};
  function show(settings) {
    current = settings.detectors;
    for (const [name, { enabled, inputs }] of Object.entries(fields)) {
      enabled.checked = current[name].enabled;
      enabled.disabled = !ctx.canWrite;
      for (const [field, input] of Object.entries(inputs)) input.value = current[name][field];
    }
    // Changes are recorded by credential ("user:<id>", "key:<id>"): this person's own shows as "you".
    const who = settings.updated_by === `user:${ctx.session.user?.id}` ? "you" : settings.updated_by;
    note.textContent = settings.updated_at ? `Last changed ${formatDate(settings.updated_at)} by ${who}.` : "The defaults: never changed.";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    for (const [name, { enabled, inputs }] of Object.entries(fields)) {
      const change = {};
      if (enabled.checked !== current[name].enabled) change.enabled = enabled.checked;
      for (const [field, input] of Object.entries(inputs)) {
        const value = input.type === "number" ? Number(input.value) : input.value.trim();
        if (String(value) !== String(current[name][field])) change[field] = value;
      }
      if (Object.keys(change).length) changes[name] = change;
    }
    try {
      show(await api("PATCH", path, changes));
      showAlert(ctx.message, "success", Object.keys(changes).length ? "Detectors saved." : "Nothing changed.");
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  });
  show(await api("GET", path));
}
