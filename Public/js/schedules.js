// Schedules of one environment: cron expressions whose every slot records one event for the
// deployed flows. Each shows its next slots and its last one; admins add, pause, resume, run now
// and remove them.
import { api } from "./api.js";
import { el, cell, formatDate, pagePath, pager, showAlert } from "./ui.js";

export async function mountSchedules(ctx, container) {
  const inputs = {
    name: el("input", { id: "schedule-name", name: "name", required: "", maxlength: "100", placeholder: "Nightly sync" }),
    cron: el("input", { id: "schedule-cron", name: "cron", required: "", maxlength: "200", placeholder: "0 1 * * *", spellcheck: "false" }),
    time_zone: el("input", { id: "schedule-zone", name: "time_zone", maxlength: "64", value: Intl.DateTimeFormat().resolvedOptions().timeZone }),
  };
  // What a slot does besides recording its event: collecting due invoices needs the ledger to
  // read them from (Zoho Books, or Sage Pro through its agent) and the PayTrace connection to
  // charge; Pro has no field for a PayTrace id, so the customer's is a prefix and its CUSTNO.
  const action = el("select", { id: "schedule-action", name: "action" },
    el("option", { value: "" }, "Record its event for the flows"),
    el("option", { value: "collect_due_invoices" }, "Also collect due invoices (Zoho Books or Sage Pro)"));
  const zohoConnection = el("select", { id: "schedule-zoho", name: "ledger_connection_id" });
  const prefix = el("input", { id: "schedule-prefix", name: "customer_id_prefix", maxlength: "20", placeholder: "pro-" });
  const prefixLabel = el("label", { class: "hidden" }, "PayTrace id = this and the CUSTNO", prefix);
  const isSage = () => zohoConnection.selectedOptions[0]?.dataset.kind === "sage_pro";
  zohoConnection.addEventListener("change", () => prefixLabel.classList.toggle("hidden", !isSage()));
  const payTraceConnection = el("select", { id: "schedule-paytrace", name: "paytrace_connection_id" });
  const retryDays = el("input", { id: "schedule-retry-days", name: "retry_days", value: "1, 3, 7", inputmode: "numeric", pattern: "[0-9, ]*" });
  const collection = el("div", { class: "form-grid hidden", id: "schedule-collection" },
    el("label", {}, "Invoices due in", zohoConnection), prefixLabel, el("label", {}, "PayTrace connection (charges)", payTraceConnection),
    el("label", {}, "After a decline, charge again on days", retryDays));
  action.addEventListener("change", async () => {
    collection.classList.toggle("hidden", action.value === "");
    if (action.value === "" || zohoConnection.options.length) return;
    try {
      const connections = (await api("GET", `${ctx.base}/connections?limit=100`)).items;
      const options = (kind, label = "") => connections.filter((c) => c.kind === kind)
        .map((c) => el("option", { value: c.id, "data-kind": kind }, label + c.name));
      zohoConnection.replaceChildren(...options("zoho", "Zoho Books: "), ...options("sage_pro", "Sage Pro: "));
      payTraceConnection.replaceChildren(...options("paytrace"));
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  });
  const form = el("form", { id: "schedule-form", class: ctx.canWrite ? "" : "hidden", autocomplete: "off" },
    el("div", { class: "form-grid" },
      el("label", {}, "Name", inputs.name), el("label", {}, "Cron (minute hour day month weekday)", inputs.cron),
      el("label", {}, "Time zone", inputs.time_zone), el("label", {}, "At each slot", action)),
    collection,
    el("div", { class: "actions" }, el("button", { type: "submit", id: "add-schedule" }, "Add schedule")));
  const rows = el("tbody", { id: "schedules" });
  const empty = el("div", { class: "empty hidden", id: "schedules-empty" },
    "No schedules yet. A schedule's slots become events (schedule.<name>) that a flow deployed with that trigger takes.");

  const pages = pager(async (cursor, limit) => {
    const page = await api("GET", pagePath(`${ctx.base}/schedules`, cursor, limit));
    rows.replaceChildren(...page.items.map((s) => el("tr", { "data-schedule": s.id },
      cell("Name", el("strong", {}, s.name), el("br"), el("code", { class: "small" }, s.event_type),
        s.action ? el("span", { class: "muted small", "data-action-kind": s.action.kind }, el("br"),
          `collects due ${s.action.sage_connection_id ? "Sage Pro" : "Zoho Books"} invoices; after a decline, again on days ${s.action.retry_days.join(", ") || "(none)"}`) : null),
      cell("When", el("code", {}, s.cron), el("br"), el("span", { class: "muted small" }, s.time_zone)),
      cell("Next", s.enabled ? el("span", { "data-next": "" }, s.next_run_at ? formatDate(s.next_run_at) : "–",
        s.upcoming.length > 1 ? el("span", { class: "muted small" }, el("br"), `then ${s.upcoming.slice(1, 3).map(formatDate).join(", ")}`) : null)
        : el("span", { class: "badge warn", "data-status": "paused" }, "paused")),
      cell("Last", s.last_fired_at ? `${formatDate(s.last_fired_at)} (${s.fired} run${s.fired === 1 ? "" : "s"})` : "never"),
      cell("", ctx.canWrite ? el("span", { class: "inline" },
        el("button", { type: "button", class: "secondary", "data-action": "run", onclick: () => act(s, "run") }, "Run now"),
        el("button", { type: "button", class: "secondary", "data-action": "toggle", onclick: () => act(s, s.enabled ? "pause" : "resume") },
          s.enabled ? "Pause" : "Resume"),
        el("button", { type: "button", class: "secondary", "data-action": "remove", onclick: () => act(s, "remove") }, "Remove")) : null))));
    empty.classList.toggle("hidden", page.items.length > 0 || cursor !== null);
    return page;
  });

  container.replaceChildren(
    ...(ctx.canWrite ? [el("h3", {}, "Add a schedule"), form] : []),
    el("h3", {}, "Schedules"),
    el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Schedule", "When", "Next", "Last", ""].map((h) => el("th", {}, h)))), rows),
    empty, pages.nav);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) body[name] = input.value.trim();
    if (action.value) {
      body.action = { kind: action.value, paytrace_connection_id: payTraceConnection.value,
        retry_days: retryDays.value.split(",").map((d) => d.trim()).filter((d) => d).map(Number) };
      if (isSage()) Object.assign(body.action, { sage_connection_id: zohoConnection.value, customer_id_prefix: prefix.value.trim() });
      else body.action.zoho_connection_id = zohoConnection.value;
    }
    try {
      const made = await api("POST", `${ctx.base}/schedules`, body);
      showAlert(ctx.message, "success", `Schedule ${made.name} added; next run ${made.next_run_at ? formatDate(made.next_run_at) : "never"}.`);
      form.reset();
      collection.classList.add("hidden");
      inputs.time_zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  });

  async function act(schedule, action) {
    const path = `${ctx.base}/schedules/${schedule.id}`;
    try {
      if (action === "run") await api("POST", `${path}/run`);
      else if (action === "remove") await api("DELETE", path);
      else await api("PATCH", path, { enabled: action === "resume" });
      const done = { run: "ran now", remove: "removed", pause: "paused", resume: "resumed" }[action];
      showAlert(ctx.message, "success", `Schedule ${schedule.name} ${done}.`);
      await pages.first();
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
  }

  await pages.first();
}
