// The tenant console: one view at a time, chosen by the address (view=...), in the frame that
// console.js draws. Flows and reconciliation are pages of their own in the same frame.
import { mountConsole } from "./console.js";
import { showAlert } from "./ui.js";
import { mountConnections } from "./connections.js";
import { mountIntake } from "./intake.js";
import { mountDisputes } from "./disputes.js";
import { mountPayments } from "./payments.js";
import { mountRecurring } from "./recurring.js";
import { mountSchedules } from "./schedules.js";
import { mountDashboard } from "./dashboard.js";
import { mountRuns } from "./runs.js";
import { mountAlerts } from "./alerts.js";
import { mountSettings } from "./settings.js";

const VIEWS = {
  dashboard: ["Dashboard", mountDashboard],
  runs: ["Runs", mountRuns],
  events: ["Events and webhooks", (ctx, container) => mountIntake({ ...ctx, container })],
  connections: ["Connections", (ctx, container) => mountConnections({ ...ctx, container })],
  alerts: ["Alerts", mountAlerts],
  payments: ["Payments", mountPayments],
  recurring: ["Recurring", mountRecurring],
  schedules: ["Schedules", mountSchedules],
  chargebacks: ["Chargebacks", (ctx, container) => mountDisputes({ ...ctx, container })],
  settings: ["Settings", mountSettings],
};

// Back from "Connect Zoho": say how it went once, then drop the notice from the address. Only
// known notices are shown, in our own words; a reason from the URL follows a fixed prefix.
const NOTICES = {
  "zoho-connected": ["success", "Zoho is connected."],
  "zoho-failed": ["error", "Zoho was not connected: "],
  "zoho-denied": ["error", "Zoho did not grant access: "],
};

async function load() {
  const params = new URLSearchParams(location.search);
  const requested = params.get("view") || (params.get("notice") ? "connections" : "dashboard");
  const view = VIEWS[requested] ? requested : "dashboard";
  const ctx = await mountConsole(view);
  if (!ctx) return;
  const [title, mount] = VIEWS[view];
  document.getElementById("view-title").textContent = title;
  const notice = NOTICES[params.get("notice")];
  await mount(ctx, document.getElementById("view"));
  if (notice) {
    const reason = notice[0] === "error" ? (params.get("reason") || "no reason given").slice(0, 200) : "";
    showAlert(ctx.message, notice[0], notice[1] + reason);
    params.delete("notice");
    params.delete("reason");
    params.set("view", view);
    history.replaceState(null, "", `${location.pathname}?${params}`);
  }
}

load().catch((error) => showAlert(document.getElementById("message"), "error", error.message));
