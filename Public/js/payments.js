// Payment requests of one environment: charges of a PayTrace customer's card on file that
// another system (or a person here) asked for, made once by the workers. Filtered by status and
// searched by customer or reference, newest first, page by page; admins can request a charge.
import { api, idempotencyKey, listAll } from "./api.js";
import { setFilters } from "./console.js";
import { mountCardRequests } from "./card-requests.js";
import { el, cell, formatDate, pagePath, pager, showAlert, statusBadge } from "./ui.js";

const STATUSES = ["pending", "charging", "authorized", "capturing", "approved", "declined", "failed"];

export async function mountPayments(ctx, container) {
  const params = new URLSearchParams(location.search);
  const connections = (await listAll(`${ctx.base}/connections`)).filter((c) => c.kind === "paytrace");

  const status = el("select", { id: "payments-status" }, el("option", { value: "" }, "Any status"), ...STATUSES.map((s) => el("option", { value: s }, s)));
  const search = el("input", { type: "search", id: "payments-search", maxlength: "100", placeholder: "Customer, reference or your reference" });
  status.value = STATUSES.includes(params.get("status")) ? params.get("status") : "";
  search.value = params.get("q") || "";
  const filters = el("form", { id: "payments-filters", class: "filters", role: "search" },
    el("label", {}, "Status", status), el("label", { class: "grow" }, "Search", search),
    el("div", { class: "filter-actions" }, el("button", { type: "submit", id: "apply-payment-filters" }, "Show payments"),
      el("button", { type: "button", class: "secondary", onclick: () => { filters.reset(); apply(); } }, "Clear")));

  const inputs = {
    connection_id: el("select", { id: "payment-connection", name: "connection_id", required: "" },
      ...connections.map((c) => el("option", { value: c.id }, c.name))),
    customer_id: el("input", { id: "payment-customer", name: "customer_id", required: "", maxlength: "50", placeholder: "PayTrace customer id" }),
    amount: el("input", { id: "payment-amount", name: "amount", required: "", inputmode: "decimal", pattern: "[0-9]{1,10}(\\.[0-9]{1,2})?", placeholder: "125.50" }),
    external_reference: el("input", { id: "payment-reference", name: "external_reference", maxlength: "100", placeholder: "INV-1042" }),
    description: el("input", { id: "payment-description", name: "description", maxlength: "255" }),
  };
  const authorizeOnly = el("input", { type: "checkbox", id: "payment-authorize-only" });
  const form = el("form", { id: "payment-form", class: ctx.canWrite && connections.length ? "" : "hidden", autocomplete: "off" },
    el("div", { class: "form-grid" },
      el("label", {}, "PayTrace connection", inputs.connection_id), el("label", {}, "Customer (vault id)", inputs.customer_id),
      el("label", {}, "Amount (USD)", inputs.amount), el("label", {}, "Your reference", inputs.external_reference),
      el("label", {}, "Description", inputs.description),
      el("label", { class: "check" }, el("span", {}, authorizeOnly, " Authorize only (capture later)"))),
    el("div", { class: "actions" }, el("button", { type: "submit", id: "request-payment" }, "Charge the card on file")));

  const rows = el("tbody", { id: "payments" });
  const empty = el("div", { class: "empty hidden", id: "payments-empty" });
  const pages = pager(async (cursor, limit) => {
    const query = new URLSearchParams();
    if (status.value) query.set("status", status.value);
    if (search.value.trim()) query.set("q", search.value.trim());
    const page = await api("GET", pagePath(`${ctx.base}/payment-requests?${query}`, cursor, limit));
    rows.replaceChildren(...page.items.map((p) => el("tr", { "data-payment": p.id },
      cell("Requested", formatDate(p.created_at)),
      cell("Customer", p.customer_id),
      cell("Amount", `${p.amount} ${p.currency}`),
      cell("Reference", p.external_reference || "–", el("br"), el("code", { class: "small" }, p.reference),
        p.invoice ? el("span", { class: "muted small", "data-invoice": p.invoice.invoice_id }, el("br"),
          p.invoice.payment_id ? `paid on Zoho Books invoice (payment ${p.invoice.payment_id})`
            : `for a Zoho Books invoice${p.invoice.attempt > 1 ? `, attempt ${p.invoice.attempt} after a decline` : ""}`) : null),
      cell("Status", statusBadge(p.status)),
      cell("Transaction", p.transaction_id ? el("code", {}, String(p.transaction_id)) : "–"),
      cell("Detail", el("span", { class: "muted" },
        [p.status_message || p.last_error || "", p.attempts > 1 ? `(${p.attempts} attempts)` : ""].filter(Boolean).join(" ") || "–")),
      cell("", ctx.canWrite && p.status === "authorized"
        ? el("button", { type: "button", class: "secondary", "data-action": "capture", onclick: () => capture(p) }, "Capture") : null))));
    const filtered = status.value || search.value.trim();
    empty.textContent = filtered ? "No payment request matches these filters."
      : "No payment requests yet. Another system posts them to the API (see openapi.yaml), or request one above.";
    empty.classList.toggle("hidden", page.items.length > 0 || cursor !== null);
    return page;
  });

  container.replaceChildren(
    el("p", { class: "muted" }, "Charges of a customer's card on file in PayTrace. Each is made once, by the workers: after an answer that never came, PayTrace is searched for the charge's reference before anything is charged again."),
    ...(ctx.canWrite ? [el("h3", {}, "Request a charge"),
      connections.length ? form : el("p", { class: "empty", id: "payments-no-connection" }, "Add a PayTrace connection in this environment first.")] : []),
    el("h3", {}, "Payment requests"), filters,
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {},
      ...["Requested", "Customer", "Amount", "Reference", "Status", "Transaction", "Detail", ""].map((h) => el("th", {}, h)))), rows),
    empty, pages.nav);

  async function apply() {
    setFilters({ status: status.value, q: search.value.trim() });
    try { await pages.first(); } catch (error) { showAlert(ctx.message, "error", error.message); }
  }
  filters.addEventListener("submit", (event) => { event.preventDefault(); apply(); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) body[name] = input.value.trim();
    if (authorizeOnly.checked) body.capture = false;
    const button = document.getElementById("request-payment");
    button.disabled = true;
    try {
      const made = await api("POST", `${ctx.base}/payment-requests`, body, { "Idempotency-Key": idempotencyKey() });
      showAlert(ctx.message, "success", `Charge of ${made.amount} ${made.currency} to ${made.customer_id} requested (reference ${made.reference}); its outcome shows below.`);
      form.reset();
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    } finally {
      button.disabled = false;
    }
  });

  async function capture(payment) {
    try {
      await api("POST", `${ctx.base}/payment-requests/${payment.id}/capture`);
      showAlert(ctx.message, "success", `Capture of ${payment.amount} ${payment.currency} requested; it shows approved once PayTrace has it.`);
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  }

  await pages.first();
  await mountCardRequests(ctx, container);
}
