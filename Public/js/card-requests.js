// Cards on file: an admin makes a link for a customer, who enters the card in PayTrace's own
// fields (card.html), so no card number ever reaches Clearline. The vault profile takes the
// customer's Zoho Books contact details. The link is shown once, here, to copy and send; the
// list shows each request's state and what PayTrace did.
import { api, idempotencyKey, listAll } from "./api.js";
import { el, cell, formatDate, pagePath, pager, showAlert, statusBadge } from "./ui.js";

export async function mountCardRequests(ctx, container) {
  const all = await listAll(`${ctx.base}/connections`);
  const payTrace = all.filter((c) => c.kind === "paytrace");
  const zoho = all.filter((c) => c.kind === "zoho");
  const inputs = {
    connection_id: el("select", { id: "card-paytrace", required: "" }, ...payTrace.map((c) => el("option", { value: c.id }, c.name))),
    customer_id: el("input", { id: "card-customer", required: "", maxlength: "50", placeholder: "Vault id, e.g. ACME-001" }),
    contact_connection: el("select", { id: "card-zoho", required: "" }, ...zoho.map((c) => el("option", { value: c.id }, c.name))),
    contact_id: el("input", { id: "card-contact", required: "", maxlength: "50", placeholder: "Books contact id" }),
  };
  const made = el("div", { id: "card-link", class: "hidden", "aria-live": "polite" });
  const form = el("form", { id: "card-form", autocomplete: "off" },
    el("div", { class: "form-grid" },
      el("label", {}, "PayTrace connection", inputs.connection_id), el("label", {}, "Customer (vault id)", inputs.customer_id),
      el("label", {}, "Zoho connection", inputs.contact_connection), el("label", {}, "Zoho Books contact", inputs.contact_id)),
    el("div", { class: "actions" }, el("button", { type: "submit", id: "make-card-link" }, "Make link")));

  const rows = el("tbody", { id: "card-requests" });
  const empty = el("div", { class: "empty hidden", id: "card-requests-empty" }, "No card requests yet.");
  const pages = pager(async (cursor, limit) => {
    const page = await api("GET", pagePath(`${ctx.base}/card-requests`, cursor, limit));
    rows.replaceChildren(...page.items.map((r) => el("tr", { "data-card-request": r.id },
      cell("Made", formatDate(r.created_at)),
      cell("Customer", el("strong", {}, r.customer_id), el("br"), el("span", { class: "muted small" }, `contact ${r.contact.contact_id}`)),
      cell("Status", statusBadge(r.status)),
      cell("Card", r.masked_card_number ? el("code", {}, r.masked_card_number.slice(-8)) : "–",
        r.outcome ? el("span", { class: "muted small" }, el("br"), `profile ${r.outcome}`) : null),
      cell("Link until", formatDate(r.expires_at)),
      cell("", ctx.canWrite && r.status === "open"
        ? el("button", { type: "button", class: "secondary", "data-action": "withdraw", onclick: () => withdraw(r) }, "Withdraw") : null))));
    empty.classList.toggle("hidden", page.items.length > 0 || cursor !== null);
    return page;
  });

  const ready = payTrace.length && zoho.length;
  container.append(
    el("h3", {}, "Cards on file"),
    el("p", { class: "muted" }, "A link for a customer to put a card on file. They enter it in PayTrace's own fields, so the number never reaches Clearline; the PayTrace profile takes their Zoho Books contact's name, address, e-mail and phone."),
    ...(ctx.canWrite ? [ready ? form : el("p", { class: "empty", id: "card-no-connection" }, "Add a PayTrace and a Zoho connection in this environment first."), made] : []),
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Made", "Customer", "Status", "Card", "Link until", ""].map((h) => el("th", {}, h)))), rows),
    empty, pages.nav);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = document.getElementById("make-card-link");
    button.disabled = true;
    try {
      const request = await api("POST", `${ctx.base}/card-requests`, {
        connection_id: inputs.connection_id.value, customer_id: inputs.customer_id.value.trim(),
        contact: { connection_id: inputs.contact_connection.value, contact_id: inputs.contact_id.value.trim() },
      }, { "Idempotency-Key": idempotencyKey() });
      const link = el("input", { id: "card-link-url", readonly: "", value: request.url, "aria-label": "Link for the customer" });
      made.replaceChildren(el("p", {}, `Send this link to the customer; it is shown only now and works once, until ${formatDate(request.expires_at)}.`),
        el("div", { class: "inline-input" }, link, el("button", { type: "button", class: "secondary", onclick: () => { link.select(); navigator.clipboard?.writeText(request.url); } }, "Copy")));
      made.classList.remove("hidden");
      form.reset();
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    } finally {
      button.disabled = false;
    }
  });

  async function withdraw(request) {
    try {
      await api("POST", `${ctx.base}/card-requests/${request.id}/cancel`);
      showAlert(ctx.message, "success", `The link for ${request.customer_id} is withdrawn.`);
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  }

  await pages.first();
}
