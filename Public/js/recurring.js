// Recurring plans of one environment: a customer's card on file charged every period by the
// workers. Each plan shows its next charge (the upcoming charges, soonest first when filtered to
// active ones), its status and, opened, its periods' attempts (dunning after a decline). Admins
// add plans and pause, resume or cancel them.
import { api, idempotencyKey, listAll } from "./api.js";
import { setFilters } from "./console.js";
import { el, cell, formatDate, pagePath, pager, showAlert, statusBadge } from "./ui.js";

const STATUSES = ["active", "past_due", "paused", "cancelled", "ended"];

export async function mountRecurring(ctx, container) {
  const params = new URLSearchParams(location.search);
  const all = await listAll(`${ctx.base}/connections`);
  const connections = all.filter((c) => c.kind === "paytrace");
  // Where each period's invoice may be made: Zoho Books (a contact id) or Sage Pro (a CUSTNO).
  const ledgers = all.filter((c) => c.kind === "zoho" || c.kind === "sage_pro");
  const ledgerName = (id) => ledgers.find((c) => c.id === id)?.name || "a ledger";

  const status = el("select", { id: "plans-status" }, el("option", { value: "" }, "Any status"),
    ...STATUSES.map((s) => el("option", { value: s }, s.replace("_", " "))));
  const search = el("input", { type: "search", id: "plans-search", maxlength: "100", placeholder: "Customer or your reference" });
  status.value = STATUSES.includes(params.get("status")) ? params.get("status") : "";
  search.value = params.get("q") || "";
  const filters = el("form", { id: "plans-filters", class: "filters", role: "search" },
    el("label", {}, "Status", status), el("label", { class: "grow" }, "Search", search),
    el("div", { class: "filter-actions" }, el("button", { type: "submit", id: "apply-plan-filters" }, "Show plans"),
      el("button", { type: "button", class: "secondary", onclick: () => { filters.reset(); apply(); } }, "Clear")));

  // Periods fall at midnight in the plan's time zone: the PayTrace connection's (the merchant's day), else the browser's.
  const zoneOf = (id) => connections.find((c) => c.id === id)?.settings?.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const dayIn = (zone) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const firstZone = zoneOf(connections[0]?.id);
  const today = dayIn(firstZone);
  const inputs = {
    connection_id: el("select", { id: "plan-connection", name: "connection_id", required: "" }, ...connections.map((c) => el("option", { value: c.id }, c.name))),
    customer_id: el("input", { id: "plan-customer", name: "customer_id", required: "", maxlength: "50", placeholder: "PayTrace customer id" }),
    amount: el("input", { id: "plan-amount", name: "amount", required: "", inputmode: "decimal", pattern: "[0-9]{1,10}(\\.[0-9]{1,2})?", placeholder: "49.00" }),
    interval_count: el("input", { id: "plan-every", name: "interval_count", type: "number", min: "1", max: "366", value: "1", required: "" }),
    interval: el("select", { id: "plan-interval", name: "interval" }, ...["month", "week", "day"].map((u) => el("option", { value: u }, `${u}(s)`))),
    starts_on: el("input", { id: "plan-starts", name: "starts_on", type: "date", required: "", value: today }),
    ends_on: el("input", { id: "plan-ends", name: "ends_on", type: "date" }),
    external_reference: el("input", { id: "plan-reference", name: "external_reference", maxlength: "100", placeholder: "SUB-1042" }),
    description: el("input", { id: "plan-description", name: "description", maxlength: "255", placeholder: "Gold membership" }),
    retry_days: el("input", { id: "plan-retry-days", name: "retry_days", value: "1, 3, 7", pattern: "[0-9, ]*" }),
    time_zone: el("input", { id: "plan-zone", name: "time_zone", maxlength: "64", value: firstZone }),
  };
  // Not sent as such: they make the plan's `invoice` object.
  const invoiceIn = el("select", { id: "plan-invoice-connection" }, el("option", { value: "" }, "No invoice: charge only"),
    ...ledgers.map((c) => el("option", { value: c.id }, `${c.name} (${c.kind === "zoho" ? "Zoho Books" : "Sage Pro"})`)));
  const invoiceCustomer = el("input", { id: "plan-invoice-customer", maxlength: "50", placeholder: "Books contact id or Sage Pro CUSTNO", disabled: "" });
  invoiceIn.addEventListener("change", () => {
    invoiceCustomer.disabled = !invoiceIn.value;
    invoiceCustomer.required = Boolean(invoiceIn.value);
  });
  inputs.connection_id.addEventListener("change", () => {
    inputs.time_zone.value = zoneOf(inputs.connection_id.value);
    inputs.starts_on.value = dayIn(inputs.time_zone.value);
  });
  const form = el("form", { id: "plan-form", class: ctx.canWrite && connections.length ? "" : "hidden", autocomplete: "off" },
    el("div", { class: "form-grid" },
      el("label", {}, "PayTrace connection", inputs.connection_id), el("label", {}, "Customer (vault id)", inputs.customer_id),
      el("label", {}, "Amount each period (USD)", inputs.amount), el("label", {}, "Every", inputs.interval_count), el("label", {}, "Unit", inputs.interval),
      el("label", {}, "First charge on", inputs.starts_on), el("label", {}, "Last day (optional)", inputs.ends_on),
      el("label", {}, "Your reference", inputs.external_reference), el("label", {}, "Description", inputs.description),
      el("label", {}, "Time zone (periods start at midnight)", inputs.time_zone), el("label", {}, "After a decline, charge again on days", inputs.retry_days),
      el("label", {}, "Make each period's invoice in", invoiceIn), el("label", {}, "Customer in that ledger", invoiceCustomer)),
    el("div", { class: "actions" }, el("button", { type: "submit", id: "add-plan" }, "Add plan")));

  const rows = el("tbody", { id: "plans" });
  const detail = el("section", { id: "plan-detail", class: "hidden", "aria-live": "polite" });
  const empty = el("div", { class: "empty hidden", id: "plans-empty" });
  const pages = pager(async (cursor, limit) => {
    const query = new URLSearchParams();
    if (status.value) query.set("status", status.value);
    if (search.value.trim()) query.set("q", search.value.trim());
    const page = await api("GET", pagePath(`${ctx.base}/recurring-plans?${query}`, cursor, limit));
    rows.replaceChildren(...page.items.map((p) => el("tr", { "data-plan": p.id },
      cell("Customer", el("strong", {}, p.customer_id), p.external_reference ? el("span", { class: "muted small" }, el("br"), p.external_reference) : null),
      cell("Charge", `${p.amount} ${p.currency}`, el("br"),
        el("span", { class: "muted small" }, `every ${p.interval_count > 1 ? `${p.interval_count} ${p.interval}s` : p.interval}`),
        p.invoice ? el("span", { class: "muted small", "data-invoicing": "" }, el("br"), `invoiced in ${ledgerName(p.invoice.connection_id)}`) : null),
      cell("Next", p.next_charge_at ? el("span", { "data-next": "" }, formatDate(p.next_charge_at), el("br"),
        el("span", { class: "muted small" }, `period ${p.next_period}`)) : "–"),
      cell("Status", statusBadge(p.status.replace("_", " "))),
      cell("", el("span", { class: "inline" },
        el("button", { type: "button", class: "secondary", "data-action": "open", onclick: () => open(p) }, "Charges"),
        ...(ctx.canWrite ? actions(p) : []))))));
    const filtered = status.value || search.value.trim();
    empty.textContent = filtered ? "No plan matches these filters." : "No recurring plans yet.";
    empty.classList.toggle("hidden", page.items.length > 0 || cursor !== null);
    return page;
  });

  function actions(plan) {
    const button = (verb, label) => el("button", { type: "button", class: "secondary", "data-action": verb, onclick: () => change(plan, verb) }, label);
    return [
      ["active", "past_due"].includes(plan.status) ? button("pause", "Pause") : null,
      ["paused", "past_due"].includes(plan.status) ? button("resume", "Resume") : null,
      ["active", "past_due", "paused"].includes(plan.status) ? button("cancel", "Cancel") : null,
    ].filter(Boolean);
  }

  container.replaceChildren(
    el("p", { class: "muted" }, "A customer's card on file charged every period, each charge made once by the workers. A declined charge is tried again on the retry days; after the last, the plan is past due and an alert says so."),
    ...(ctx.canWrite ? [el("h3", {}, "Add a plan"),
      connections.length ? form : el("p", { class: "empty", id: "plans-no-connection" }, "Add a PayTrace connection in this environment first.")] : []),
    el("h3", {}, "Plans"), filters,
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Customer", "Charge", "Next charge", "Status", ""].map((h) => el("th", {}, h)))), rows),
    empty, pages.nav, detail);

  async function apply() {
    setFilters({ status: status.value, q: search.value.trim() });
    try { await pages.first(); } catch (error) { showAlert(ctx.message, "error", error.message); }
  }
  filters.addEventListener("submit", (event) => { event.preventDefault(); apply(); });

  async function open(plan) {
    try {
      const full = await api("GET", `${ctx.base}/recurring-plans/${plan.id}`);
      const lines = (full.charges || []).map((c) => el("tr", { "data-charge": c.id },
        cell("Period", String(c.plan.period)), cell("Attempt", c.plan.attempt > 1 ? `${c.plan.attempt} (retry)` : "1"),
        cell("Requested", formatDate(c.created_at)), cell("Status", statusBadge(c.status)),
        cell("Transaction", c.transaction_id ? el("code", {}, String(c.transaction_id)) : "–"),
        cell("Invoice", c.invoice ? el("span", {}, el("code", {}, c.invoice.invoice_id), c.invoice.payment_id ? el("span", { class: "muted small" }, " paid") : null) : "–")));
      detail.replaceChildren(el("h3", {}, `Charges of ${full.customer_id}'s plan`),
        lines.length ? el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Period", "Attempt", "Requested", "Status", "Transaction", "Invoice"].map((h) => el("th", {}, h)))),
          el("tbody", { id: "plan-charges" }, ...lines)) : el("p", { class: "empty" }, "Nothing charged yet: the first period's day has not come."));
      detail.classList.remove("hidden");
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  }

  async function change(plan, verb) {
    try {
      const changed = await api("POST", `${ctx.base}/recurring-plans/${plan.id}/${verb}`);
      showAlert(ctx.message, "success", `Plan of ${plan.customer_id} is ${changed.status.replace("_", " ")}.`);
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) body[name] = input.value.trim();
    body.interval_count = Number(body.interval_count || 1);
    body.retry_days = (body.retry_days || "").split(",").map((d) => d.trim()).filter((d) => d).map(Number);
    if (invoiceIn.value) body.invoice = { connection_id: invoiceIn.value, customer: invoiceCustomer.value.trim() };
    const button = document.getElementById("add-plan");
    button.disabled = true;
    try {
      const made = await api("POST", `${ctx.base}/recurring-plans`, body, { "Idempotency-Key": idempotencyKey() });
      showAlert(ctx.message, "success", `Plan added: ${made.amount} ${made.currency} for ${made.customer_id}; first charge ${made.next_charge_at ? formatDate(made.next_charge_at) : "none"}.`);
      form.reset();
      invoiceCustomer.disabled = true;
      inputs.time_zone.value = zoneOf(inputs.connection_id.value);
      inputs.starts_on.value = dayIn(inputs.time_zone.value);
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    } finally {
      button.disabled = false;
    }
  });

  await pages.first();
}
