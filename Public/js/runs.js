// Runs of one environment: filtered by flow, status and dates, searched by transaction,
// customer, order or amount, newest first, page by page; one run's steps below, and a held
// step fixed in a form of its target's fields, checked before it is sent.
import { api, listAll } from "./api.js";
import { setFilters } from "./console.js";
import { el, cell, formatDate, pagePath, pager, showAlert, statusBadge } from "./ui.js";

const STATUSES = ["running", "succeeded", "review", "failed"];

/** A date input's day as the start of that day in the reader's zone, in RFC 3339. */
function dayStart(value, plusDays = 0) {
  if (!value) return undefined;
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export async function mountRuns(ctx, container) {
  const params = new URLSearchParams(location.search);
  const [flows, schemas] = await Promise.all([listAll(`/v1/tenants/${encodeURIComponent(ctx.tenantId)}/flows`), api("GET", "/v1/target-schemas")]);
  const schemaOf = Object.fromEntries(schemas.items.map((s) => [s.name, s]));

  const flow = el("select", { id: "runs-flow" }, el("option", { value: "" }, "All flows"), ...flows.map((f) => el("option", { value: f.id }, f.name)));
  const status = el("select", { id: "runs-status" }, el("option", { value: "" }, "Any status"), ...STATUSES.map((s) => el("option", { value: s }, s)));
  const from = el("input", { type: "date", id: "runs-from" });
  const to = el("input", { type: "date", id: "runs-to" });
  const search = el("input", { type: "search", id: "runs-search", maxlength: "100", placeholder: "Transaction, customer, order or amount" });
  flow.value = params.get("flow") || "";
  status.value = STATUSES.includes(params.get("status")) ? params.get("status") : "";
  from.value = params.get("from") || "";
  to.value = params.get("to") || "";
  search.value = params.get("q") || "";
  const form = el("form", { id: "runs-form", class: "filters", role: "search" },
    el("label", {}, "Flow", flow), el("label", {}, "Status", status), el("label", {}, "From", from), el("label", {}, "To", to),
    el("label", { class: "grow" }, "Search", search),
    el("div", { class: "filter-actions" }, el("button", { type: "submit", id: "apply-filters" }, "Show runs"),
      el("button", { type: "button", class: "secondary", onclick: () => { form.reset(); apply(); } }, "Clear")));
  const rows = el("tbody", { id: "runs" });
  const empty = el("div", { class: "empty hidden", id: "runs-empty" });
  const detail = el("section", { class: "card hidden", id: "run-detail", "aria-live": "polite" });
  const pages = pager(async (cursor, limit) => {
    const query = new URLSearchParams({ order: "newest" });
    if (flow.value) query.set("flow_id", flow.value);
    if (status.value) query.set("status", status.value);
    if (from.value) query.set("since", dayStart(from.value));
    if (to.value) query.set("until", dayStart(to.value, 1));
    if (search.value.trim()) query.set("q", search.value.trim());
    const page = await api("GET", pagePath(`${ctx.base}/runs?${query}`, cursor, limit));
    rows.replaceChildren(...page.items.map((r) => el("tr", { "data-run": r.id },
      cell("Started", formatDate(r.created_at)),
      cell("Flow", r.flow_name || "(removed flow)"),
      cell("Status", statusBadge(r.status)),
      cell("Transaction", r.transaction_id ? el("code", {}, r.transaction_id) : "–"),
      cell("Customer", r.customer || "–"),
      cell("Amount", r.amount || "–"),
      cell("", el("button", { type: "button", class: "secondary", "aria-label": `Steps of the run started ${formatDate(r.created_at)}`, onclick: () => show(r.id) }, "Steps")))));
    const filtered = flow.value || status.value || from.value || to.value || search.value.trim();
    empty.textContent = filtered ? "No run matches these filters." : "No runs yet. Deploy a flow, then send a test sale from the dashboard or wait for an event.";
    empty.classList.toggle("hidden", page.items.length > 0 || cursor !== null);
    return page;
  });

  async function apply() {
    setFilters({ flow: flow.value, status: status.value, from: from.value, to: to.value, q: search.value.trim(), run: null });
    try { await pages.first(); } catch (error) { showAlert(ctx.message, "error", error.message); }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });

  async function show(id) {
    setFilters({ run: id });
    const run = await api("GET", `${ctx.base}/runs/${id}`);
    const message = el("div", { id: "run-message" });
    detail.classList.remove("hidden");
    detail.replaceChildren(
      el("h2", {}, `${run.flow_name || flows.find((f) => f.id === run.flow_id)?.name || "Run"} `, statusBadge(run.status)),
      el("p", { class: "muted" }, `Started ${formatDate(run.created_at)}, version ${run.version}.`, run.detail ? ` ${run.detail}` : ""),
      message,
      ...(run.steps || []).map((s) => el("div", { class: "preview-step", "data-run-step": s.step },
        el("h3", {}, `${s.position + 1}. ${s.step} → ${schemaOf[s.target]?.title || s.target} `, statusBadge(s.status), " ",
          s.link ? el("a", { href: s.link, target: "_blank", rel: "noopener" }, s.external_id) : (s.external_id ? el("code", {}, s.external_id) : null)),
        s.detail ? el("p", { class: "muted" }, s.detail) : null,
        s.failed_attempts ? el("p", { class: "muted", "data-retries": String(s.failed_attempts) },
          `${s.attempts} attempt(s), ${s.failed_attempts} failed; last: ${s.last_error || "no reason recorded"}`) : null,
        s.record ? el("details", {}, el("summary", {}, "The record"), el("pre", { class: "detail" }, JSON.stringify(s.record, null, 2))) : null,
        ctx.canWrite && held(run, s) ? reviewForm(run, s, message) : null)));
    detail.scrollIntoView({ block: "start" });
  }

  // The step a run is held at (review, or failed on a step), which a person can fix and resume.
  function held(run, step) {
    if (run.status !== "review" && run.status !== "failed") return false;
    const stuck = (run.steps || []).filter((s) => s.status === "invalid" || s.status === "failed");
    return stuck.length > 0 && stuck[stuck.length - 1].position === step.position;
  }

  /** The held record as a form of its target's fields, pre-filled, checked before it is sent. */
  function reviewForm(run, step, message) {
    const schema = schemaOf[step.target];
    const record = step.record || {};
    const simple = (schema?.fields || []).filter((f) => !["object", "array"].includes(f.type));
    const inputs = simple.map((f) => {
      const value = record[f.name];
      const attributes = { id: `review-${f.name}`, name: f.name, "data-field": f.name, "data-type": f.type };
      if (f.required) attributes.required = "";
      if (f.max_length) attributes.maxlength = String(f.max_length);
      if (f.type === "decimal") Object.assign(attributes, { inputmode: "decimal", pattern: "-?[0-9]+(\\.[0-9]+)?" });
      if (f.type === "integer") Object.assign(attributes, { inputmode: "numeric", pattern: "-?[0-9]+" });
      if (f.type === "date") attributes.type = "date";
      if (f.type === "email") attributes.type = "email";
      const input = f.type === "boolean"
        ? el("select", attributes, el("option", { value: "" }, "–"), el("option", { value: "true" }, "yes"), el("option", { value: "false" }, "no"))
        : el("input", attributes);
      input.value = value === undefined || value === null ? "" : String(value);
      return [f, input, el("span", { class: "field-error", id: `review-${f.name}-error`, role: "alert" })];
    });
    // Nested parts (lines, addresses) are kept as they were unless edited as JSON.
    const nested = Object.fromEntries(Object.entries(record).filter(([k]) => !simple.some((f) => f.name === k)));
    const nestedEditor = el("textarea", { rows: "6", id: "review-nested", "aria-label": "Nested parts of the record, as JSON" }, JSON.stringify(nested, null, 2));
    const form = el("form", { class: "review", id: "review-controls", novalidate: "" },
      el("p", {}, `Held for review: ${step.detail || "the target refused the record"}. Correct the fields and write it, retry once the cause is fixed in ${schema?.system || "the target"}, or skip this step.`),
      el("div", { class: "form-grid" }, ...inputs.map(([f, input, error]) =>
        el("label", {}, `${f.name}${f.required ? " (required)" : ""}`, input, error))),
      Object.keys(nested).length ? el("label", {}, "Lines and other nested parts (JSON)", nestedEditor) : null,
      el("div", { class: "actions" },
        el("button", { type: "submit", id: "review-replace" }, "Write corrected record"),
        el("button", { type: "button", class: "secondary", id: "review-retry", onclick: () => resume({ action: "retry" }, "Resumed: retrying the step.") }, "Retry"),
        el("button", { type: "button", class: "secondary", id: "review-skip", onclick: () => resume({ action: "skip" }, "Resumed without this step.") }, "Skip step")));

    function check() {
      let ok = true;
      for (const [f, input, error] of inputs) {
        const problem = input.validity.valueMissing ? "is required" : input.validity.patternMismatch ? `must be ${f.type === "integer" ? "a whole number" : "a number"}`
          : input.validity.typeMismatch ? `must be a valid ${f.type}` : input.validity.tooLong ? `must be at most ${f.max_length} characters` : "";
        error.textContent = problem ? `${f.name} ${problem}` : "";
        input.setAttribute("aria-invalid", String(Boolean(problem)));
        if (problem) { input.setAttribute("aria-describedby", error.id); ok = false; }
      }
      return ok;
    }

    function corrected() {
      let result = {};
      if (Object.keys(nested).length) {
        try { result = JSON.parse(nestedEditor.value || "{}"); } catch { throw new Error("The nested parts are not valid JSON."); }
      }
      for (const [f, input] of inputs) {
        const text = input.value.trim();
        if (text === "") continue;
        result[f.name] = f.type === "integer" ? Number(text) : f.type === "boolean" ? text === "true" : text;
      }
      return result;
    }

    async function resume(body, success) {
      try {
        await api("POST", `${ctx.base}/runs/${run.id}/resume`, body);
        await show(run.id);
        showAlert(document.getElementById("run-message"), "success", success);
      } catch (error) {
        // The server's own check of the record against the target's schema, field by field.
        for (const problem of error.problem?.errors || []) {
          const hit = inputs.find(([f]) => `record.${f.name}` === problem.field);
          if (hit) hit[2].textContent = `${hit[0].name} ${problem.message}`;
        }
        showAlert(message, "error", error.message);
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!check()) { showAlert(message, "error", "Some fields need a correction first."); return; }
      try { resume({ action: "replace", record: corrected() }, "Resumed with the corrected record."); } catch (error) { showAlert(message, "error", error.message); }
    });
    return form;
  }

  container.replaceChildren(
    el("section", { class: "card" }, form,
      el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Started", "Flow", "Status", "Transaction", "Customer", "Amount", ""].map((h) => el("th", {}, h)))), rows),
      empty, pages.nav),
    detail);
  await pages.first();
  if (params.get("run")) await show(params.get("run")).catch((error) => showAlert(ctx.message, "error", error.message));
}
