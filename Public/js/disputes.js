// Chargebacks per environment. PayTrace has no chargeback API, so the merchant enters each case
// here (or imports the processor's CSV); each one raises an alert (see alerts.js) until acknowledged.
import { api, upload } from "./api.js";
import { el, cell, formatDay, pagePath, pager, showAlert } from "./ui.js";

const FIELDS = [
  ["case_number", "Case number", { required: "", maxlength: "40", pattern: "[A-Za-z0-9._/\\-]+", placeholder: "CB-2026-0042" }],
  ["transaction_id", "PayTrace transaction", { maxlength: "20", pattern: "[0-9]*", inputmode: "numeric" }],
  ["customer_id", "PayTrace customer id", { required: "", maxlength: "100" }],
  ["amount", "Amount", { required: "", inputmode: "decimal", pattern: "[0-9]+(\\.[0-9]+)?", placeholder: "108.25" }],
  ["fee", "Fee", { inputmode: "decimal", pattern: "[0-9]+(\\.[0-9]+)?", placeholder: "15.00" }],
  ["currency", "Currency", { maxlength: "3", pattern: "[A-Z]{3}", placeholder: "USD" }],
  ["reason", "Reason", { required: "", maxlength: "200", placeholder: "Fraud" }],
  ["received_at", "Received", { required: "", type: "date" }],
];

export function mountDisputes({ tenantId, canWrite, container, message, environment: fixed }) {
  // The console's environment switcher chooses it; without one, tabs here do.
  let environment = fixed || "dev";
  const base = () => `/v1/tenants/${encodeURIComponent(tenantId)}/environments/${environment}`;
  const tabs = el("div", { class: "tabs", role: "tablist" }, ...["dev", "qa", "prod"].map((name) =>
    el("button", { type: "button", role: "tab", class: "tab", "data-env": name, onclick: () => { environment = name; render(); } }, name)));

  const inputs = Object.fromEntries(FIELDS.map(([name, , attributes]) => [name, el("input", { id: `chargeback-${name}`, name, ...attributes })]));
  const form = el("form", { id: "chargeback-form", class: canWrite ? "" : "hidden", autocomplete: "off" },
    el("div", { class: "form-grid" }, ...FIELDS.map(([name, label]) => el("label", {}, label, inputs[name]))),
    el("div", { class: "actions" }, el("button", { type: "submit", id: "enter-chargeback" }, "Enter chargeback")));
  const file = el("input", { type: "file", id: "chargeback-file", accept: ".csv,text/csv" });
  const importForm = el("form", { id: "chargeback-import", class: canWrite ? "inline" : "hidden" },
    el("label", {}, "CSV file", file), el("button", { type: "submit", class: "secondary", id: "import-chargebacks" }, "Import"));
  const chargebacks = el("tbody", { id: "chargebacks" });
  const chargebacksEmpty = el("div", { class: "empty hidden", id: "chargebacks-empty" }, "No chargebacks entered.");

  const pages = pager(async (cursor, limit) => {
    const list = await api("GET", pagePath(`${base()}/chargebacks`, cursor, limit));
    chargebacks.replaceChildren(...list.items.map((d) => el("tr", { "data-case": d.case_number },
      cell("Case", d.case_number), cell("Customer", d.customer_id), cell("Amount", `${d.amount} ${d.currency}`), cell("Fee", d.fee),
      cell("Reason", d.reason), cell("Received", formatDay(d.received_at)), cell("Status", d.status),
      cell("", canWrite && d.status === "open" ? el("span", { class: "inline" },
        el("button", { type: "button", class: "secondary", onclick: () => resolve(d, "won") }, "Won"),
        el("button", { type: "button", class: "secondary", onclick: () => resolve(d, "lost") }, "Lost")) : null))));
    chargebacksEmpty.classList.toggle("hidden", list.items.length > 0 || cursor !== null);
    return list;
  });
  const load = () => pages.first();

  container.replaceChildren(...(fixed ? [] : [tabs]),
    el("h3", {}, "Enter a chargeback"), form,
    el("p", { class: "muted" }, "Or import the processor's file: a header row naming case_number, customer_id, amount, reason, received_at (and transaction_id, fee, currency if known). A file with a bad row enters nothing."),
    importForm,
    el("h3", {}, "Chargebacks"),
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Case", "Customer", "Amount", "Fee", "Reason", "Received", "Status", ""].map((h) => el("th", {}, h)))), chargebacks),
    chargebacksEmpty, pages.nav);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [name] of FIELDS) if (inputs[name].value.trim()) body[name] = inputs[name].value.trim();
    try {
      const created = await api("POST", `${base()}/chargebacks`, body);
      showAlert(message, "success", `Chargeback ${created.case_number} entered; the chargeback flow deployed in ${environment} reverses it.`);
      form.reset();
      await load();
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  });

  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) { showAlert(message, "error", "Choose a CSV file first."); return; }
    try {
      const result = await upload(`${base()}/chargebacks/import`, await file.files[0].text(), "text/csv");
      showAlert(message, "success", `Imported ${result.created} chargeback(s); ${result.already_entered} were entered before.`);
      importForm.reset();
      await load();
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  });

  async function resolve(dispute, outcome) {
    try {
      await api("POST", `${base()}/chargebacks/${dispute.id}/resolve`, { outcome });
      showAlert(message, "success", `Chargeback ${dispute.case_number} marked ${outcome}.`);
      await load();
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  }


  async function render() {
    for (const tab of tabs.children) tab.setAttribute("aria-selected", String(tab.dataset.env === environment));
    try { await load(); } catch (error) { showAlert(message, "error", error.message); }
  }

  return render();
}
