// The dashboard of one environment: first steps for a new tenant, the guided demo, figures and
// charts of the last 24 hours, 7 days or 30 days, and each connection's health. It refreshes
// itself, quickly while a demo transaction is on its way.
import { api } from "./api.js";
import { barChart, legend } from "./charts.js";
import { setFilters } from "./console.js";
import { el, formatDate, formatDateParts, formatTime, healthBadge, showAlert, statusBadge } from "./ui.js";

const RANGES = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" };
const COLORS = { succeeded: "#1a7f4b", failed: "#b42318", review: "#a15c00", running: "#0b5cab", events: "#14213d", calls: "#0b5cab", failures: "#b42318" };
const DEMO = [["sale", "Send a test sale"], ["refund", "Test refund"], ["void", "Test void"], ["decline", "Test decline"]];

function bucketLabel(figures, index) {
  const start = new Date(new Date(figures.from).getTime() + index * figures.bucket_seconds * 1000);
  if (figures.range === "24h") return formatTime(start);
  if (figures.range === "7d") return formatDateParts(start, { weekday: "short", day: "numeric" });
  return formatDateParts(start, { month: "short", day: "numeric" });
}

function tile(label, value, detail, id) {
  return el("div", { class: "tile", "data-tile": id },
    el("span", { class: "tile-label" }, label), el("strong", { class: "tile-value" }, value), el("span", { class: "tile-detail" }, detail));
}

function seconds(ms) {
  if (ms === undefined || ms === null) return "–";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

export async function mountDashboard(ctx, container) {
  const params = new URLSearchParams(location.search);
  let range = RANGES[params.get("range")] ? params.get("range") : "24h";
  let timer = null;
  let watching = null; // the demo transaction on its way: {transactionId, kind, since}

  const rangeNav = el("div", { class: "segmented", role: "group", "aria-label": "Period" },
    ...Object.entries(RANGES).map(([key, label]) => el("button", {
      type: "button", class: "segment", "data-range": key, "aria-pressed": String(key === range),
      onclick: () => { range = key; setFilters({ range }); refresh(); },
    }, label)));
  const checklist = el("section", { class: "card hidden", id: "checklist" });
  const demo = el("section", { class: "card hidden", id: "demo" });
  const tiles = el("div", { class: "tiles", id: "tiles" });
  const flowChart = el("div", { class: "chart-box", id: "runs-chart" });
  const connections = el("div", { class: "connection-grid", id: "connection-health" });
  const updated = el("p", { class: "muted", id: "dashboard-updated", "aria-live": "polite" });
  container.replaceChildren(
    el("div", { class: "toolbar" }, rangeNav, updated),
    checklist, demo,
    tiles,
    el("section", { class: "card" }, el("h2", {}, "Events in and runs by outcome"), flowChart),
    el("section", { class: "card" }, el("h2", {}, "Connections"),
      el("p", { class: "muted" }, "Calls to each vendor over the period, failures in red, against the vendor's limit where it has one."), connections));

  function renderChecklist(figures) {
    const steps = [
      ["connected", "Connect your vendors", "Add PayTrace, Zoho and Sage Pro, and test them.", ctx.href("connections")],
      ["deployed", "Deploy a flow from a template", "Order to cash into Zoho, order to ERP into Sage Pro, refunds and voids.", ctx.href("flows")],
      ["first_run_succeeded", "See a first run succeed", "Send a test sale below, or wait for a real one.", ctx.href("runs")],
    ];
    const done = steps.filter(([key]) => figures.checklist[key]).length;
    checklist.classList.toggle("hidden", done === steps.length);
    checklist.replaceChildren(
      el("h2", {}, `Getting started: ${done} of ${steps.length} done`),
      el("ol", { class: "checklist" }, ...steps.map(([key, title, text, href]) => el("li", { "data-step": key, class: figures.checklist[key] ? "done" : "" },
        el("span", { class: "check-mark", "aria-hidden": "true" }, figures.checklist[key] ? "✓" : ""),
        el("div", {}, el("a", { href }, title), el("span", { class: "muted" }, figures.checklist[key] ? " Done." : ` ${text}`))))));
  }

  function renderDemo(figures) {
    const sandbox = figures.connections.find((c) => c.kind === "paytrace" && c.sandbox);
    demo.classList.toggle("hidden", !sandbox || !ctx.canWrite);
    if (!sandbox || demo.dataset.ready) return;
    demo.dataset.ready = "1";
    const message = el("div", { id: "demo-message" });
    const progress = el("ol", { class: "demo-progress", id: "demo-progress", "aria-live": "polite" });
    demo.replaceChildren(
      el("h2", {}, "Try it with the sandbox"),
      el("p", { class: "muted" }, `${sandbox.name} is the vendor sandbox: make a transaction there and watch it arrive, run and land in Zoho and Sage Pro.`),
      el("div", { class: "actions" }, ...DEMO.map(([kind, label], i) => el("button", {
        type: "button", class: i === 0 ? "" : "secondary", "data-demo": kind,
        onclick: (event) => send(kind, event.currentTarget, message, progress),
      }, label))),
      message, progress);
  }

  async function send(kind, button, message, progress) {
    button.disabled = true;
    try {
      const result = await api("POST", `${ctx.base}/demo-transactions`, { kind });
      const last = result.events[result.events.length - 1];
      showAlert(message, "success", `PayTrace made ${kind === "decline" ? "a declined sale" : `a ${kind}`}, transaction ${last.transaction_id} for $${last.amount}.`);
      watching = { transactionId: String(last.transaction_id), events: result.events, since: Date.now() };
      progress.replaceChildren(el("li", { class: "done" }, `Event received: ${last.type}`));
      await refresh();
    } catch (error) {
      showAlert(message, "error", error.message);
    } finally {
      button.disabled = false;
    }
  }

  /** The demo transaction's runs, and where each step's record landed. */
  async function followDemo() {
    if (!watching) return;
    const progress = document.getElementById("demo-progress");
    const runs = await api("GET", `${ctx.base}/runs?q=${encodeURIComponent(watching.transactionId)}&order=newest&limit=20`);
    const items = [el("li", { class: "done" }, `Event received: ${watching.events.map((e) => e.type).join(", ")}`)];
    for (const run of runs.items) {
      const detail = await api("GET", `${ctx.base}/runs/${run.id}`);
      items.push(el("li", { class: run.status === "succeeded" ? "done" : "", "data-run-status": run.status },
        el("a", { href: ctx.href("runs", { run: run.id }) }, run.flow_name || "Run"), " ", statusBadge(run.status),
        el("ul", { class: "landed" }, ...(detail.steps || []).filter((s) => s.external_id).map((s) =>
          el("li", {}, `${s.target}: `, s.link ? el("a", { href: s.link, target: "_blank", rel: "noopener" }, s.external_id) : el("code", {}, s.external_id))))));
    }
    let nothingTakesIt = false;
    if (runs.items.length === 0) {
      // Dispatched and taken by no flow: say so rather than wait (a decline, with no declines flow deployed).
      const last = watching.events[watching.events.length - 1];
      const event = await api("GET", `${ctx.base}/events/${last.event_id}`);
      nothingTakesIt = event.status === "completed";
      items.push(el("li", { "data-run-status": nothingTakesIt ? "none" : "waiting" }, nothingTakesIt
        ? `No flow deployed in ${ctx.environment} takes ${last.type}; deploy one from Flows to see it written.`
        : "Waiting for the flows to take it…"));
    }
    progress?.replaceChildren(...items);
    const settled = nothingTakesIt || (runs.items.length > 0 && runs.items.every((r) => r.status !== "running"));
    if (settled || Date.now() - watching.since > 120000) watching = null;
  }

  function renderTiles(figures) {
    const { totals, latency, queue } = figures;
    const finished = totals.runs.succeeded + totals.runs.failed + totals.runs.review;
    tiles.replaceChildren(
      tile("Events in", String(totals.events), `in the last ${RANGES[range]}`, "events"),
      tile("Success rate", totals.success_rate === undefined ? "–" : `${(totals.success_rate * 100).toFixed(1)}%`,
        `${totals.runs.succeeded} of ${finished} finished runs`, "success"),
      tile("Webhook to target", `${seconds(latency.p50_ms)}`, `median; 95% within ${seconds(latency.p95_ms)}`, "latency"),
      tile("Queue", String(queue.queued), queue.queued ? `waiting; the oldest ${queue.oldest_wait_seconds} s` : `${queue.running} running`, "queue"),
      el("a", { class: "tile link-tile", href: ctx.href("events", { tab: "dead" }), "data-tile": "dead" },
        el("span", { class: "tile-label" }, "Dead letters"), el("strong", { class: "tile-value" + (figures.dead_letters ? " bad-text" : "") }, String(figures.dead_letters)),
        el("span", { class: "tile-detail" }, figures.dead_letters ? "to look at and replay" : "none waiting")));
  }

  function renderFlowChart(figures) {
    const buckets = figures.buckets.map((b) => ({ ...b.runs, events: b.events }));
    const stacks = ["succeeded", "failed", "review", "running"].map((key) => ({ key, label: key, color: COLORS[key] }));
    flowChart.replaceChildren(
      barChart({
        buckets, stacks, line: { key: "events", label: "events", color: COLORS.events }, labelOf: (i) => bucketLabel(figures, i), width: flowChart.clientWidth,
        description: `Events and runs over the last ${RANGES[range]}: ${figures.totals.events} events, ${figures.totals.runs.succeeded} runs succeeded, ${figures.totals.runs.failed} failed, ${figures.totals.runs.review} held for review.`,
      }),
      legend([...stacks, { label: "events in", color: COLORS.events }]));
  }

  function renderConnections(figures) {
    if (figures.connections.length === 0) {
      connections.replaceChildren(el("div", { class: "empty" }, "No connections in this environment yet. ", el("a", { href: ctx.href("connections") }, "Add one"), "."));
      return;
    }
    const charts = [];
    connections.replaceChildren(...figures.connections.map((c) => {
      const peak = Math.max(0, ...c.series.map((s) => s.calls));
      const share = c.limit_per_bucket ? (peak / c.limit_per_bucket) * 100 : 0;
      const budget = c.limit_per_bucket
        ? ` Busiest ${figures.range === "24h" ? "hour" : "period"}: ${peak} of ${c.limit_per_bucket} allowed (${share > 0 && share < 1 ? "under 1" : Math.round(share)}%).` : "";
      const slot = el("div", { class: "chart-slot" });
      if (c.kind !== "sage_pro" && c.calls > 0) charts.push([slot, c]);
      else if (c.kind !== "sage_pro") slot.append(el("p", { class: "empty" }, `No calls to ${c.name} in the last ${RANGES[range]}.`));
      return el("article", { class: "connection-health", "data-connection": c.id },
        el("div", { class: "connection-head" }, el("strong", {}, c.name), healthBadge(c.status)),
        c.kind === "sage_pro"
          ? el("p", { class: "muted" }, c.agent_last_seen_at ? `The agent last polled ${formatDate(c.agent_last_seen_at)}.` : "No agent has polled yet.")
          : el("p", { class: "muted" }, `${c.calls} calls, ${c.failures} failed` + (c.error_rate !== undefined ? ` (${(c.error_rate * 100).toFixed(1)}%)` : "") + "." + budget),
        slot,
        c.kind === "sage_pro" ? null : el("p", { class: "muted small" }, `Last success: ${formatDate(c.last_success_at)}`,
          c.last_failure_at ? ` · last failure: ${formatDate(c.last_failure_at)} (${c.last_error || "no detail"})` : ""));
    }));
    // Drawn once in place, at the width their card gives them.
    for (const [slot, c] of charts) {
      slot.replaceChildren(barChart({
        buckets: c.series.map((s) => ({ ok: s.calls - s.failures, failures: s.failures })),
        stacks: [{ key: "ok", label: "calls answered", color: COLORS.calls }, { key: "failures", label: "failed", color: COLORS.failures }],
        limit: c.limit_per_bucket, labelOf: (i) => bucketLabel(figures, i), height: 130, width: slot.clientWidth,
        description: `${c.name}: ${c.calls} vendor calls over the last ${RANGES[range]}, ${c.failures} failed.`,
      }));
    }
  }

  async function refresh() {
    clearTimeout(timer);
    for (const button of rangeNav.children) button.setAttribute("aria-pressed", String(button.dataset.range === range));
    try {
      const figures = await api("GET", `${ctx.base}/dashboard?range=${range}`);
      last = figures;
      renderChecklist(figures);
      renderDemo(figures);
      renderTiles(figures);
      renderFlowChart(figures);
      renderConnections(figures);
      await followDemo();
      updated.textContent = `Updated ${formatTime(new Date())}`;
      container.dataset.loaded = "true";
    } catch (error) {
      showAlert(ctx.message, "error", error.message);
    }
    // Every 15 s; every 1.5 s while a demo transaction is on its way.
    timer = setTimeout(refresh, watching ? 1500 : 15000);
  }

  // Charts are drawn at their width: again when the window's changes.
  let last = null, resized = null;
  window.addEventListener("resize", () => {
    clearTimeout(resized);
    resized = setTimeout(() => { if (last) { renderFlowChart(last); renderConnections(last); } }, 200);
  });
  await refresh();
}
