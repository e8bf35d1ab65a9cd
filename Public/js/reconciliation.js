// Settlements by day with their reconciliation badge, and one settlement side by side: each
// PayTrace line next to what Zoho Books and Sage Pro show for it, the difference, and what fixes it.
import { api, listAll } from "./api.js";
import { mountConsole } from "./console.js";
import { el, cell, formatDate, showAlert } from "./ui.js";

const message = document.getElementById("message");
let tenantId = null;
let environment = "dev";
let session = null;
const base = () => `/v1/tenants/${encodeURIComponent(tenantId)}/environments/${environment}`;

const LEDGERS = { zoho_books: "Zoho Books", sage_pro: "Sage Pro" };
const REPAIR = { post_again: "Post again", correct_amount: "Correct amount", post_refund: "Post refund" };
const CATEGORY = {
  matched: ["ok", "Matched"],
  missing: ["bad", "Missing"],
  amount_differs: ["bad", "Amount differs"],
  reversal_not_reflected: ["bad", "Refund not posted"],
  settled_in_another_batch: ["warn", "Settled in another batch"],
  unexplained: ["warn", "Possible duplicate"],
};

function badgeFor(reconciliation) {
  if (!reconciliation) return el("span", { class: "badge" }, "Pending");
  if (reconciliation.status === "running") return el("span", { class: "badge", title: reconciliation.detail || "" }, reconciliation.detail ? "Waiting for flows" : "Checking…");
  if (reconciliation.status === "failed") return el("span", { class: "badge bad", title: reconciliation.detail || "" }, "Failed");
  if (reconciliation.status === "balanced") return el("span", { class: "badge ok" }, "Balanced");
  const open = reconciliation.open_differences;
  return open === 0
    ? el("span", { class: "badge warn" }, `${reconciliation.differences} explained`)
    : el("span", { class: "badge bad" }, `${open} difference${open === 1 ? "" : "s"}`);
}

async function latestReconciliations() {
  const all = await listAll(`${base()}/reconciliations`);
  const latest = new Map();
  for (const r of all) latest.set(r.settlement_id, r); // oldest first: the last one wins
  return latest;
}

async function loadSettlements() {
  const [settlements, latest] = await Promise.all([listAll(`${base()}/settlements`), latestReconciliations()]);
  settlements.sort((a, b) => (b.settled_on + b.batch_number).localeCompare(a.settled_on + a.batch_number));
  document.getElementById("settlements").replaceChildren(...settlements.map((s) => el("tr", { "data-batch": s.batch_number },
    cell("Settled", s.settled_on),
    cell("Batch", el("button", { type: "button", class: "link", onclick: () => openSettlement(s.id) }, `#${s.batch_number}`)),
    cell("Sales", `${s.sales_count} · ${s.sales_amount}`),
    cell("Refunds", `${s.refund_count} · ${s.refund_amount}`),
    cell("Net", s.net),
    cell("Fees", s.actual_fees ? `${s.actual_fees} (statement)` : s.fees),
    cell("Deposit", s.actual_deposit || s.deposit),
    cell("Ledgers", badgeFor(latest.get(s.id))),
  )));
  document.getElementById("settlements-empty").classList.toggle("hidden", settlements.length > 0);
  showProgress(settlements, latest);
}

let progressTimer = null;

/** While any settlement's check runs (a backfill of a month, say): how many are done, refreshed until none runs. */
function showProgress(settlements, latest) {
  const running = settlements.filter((s) => (latest.get(s.id) || {}).status === "running");
  const line = document.getElementById("progress");
  line.classList.toggle("hidden", running.length === 0);
  clearTimeout(progressTimer);
  if (!running.length) return;
  const done = settlements.length - running.length;
  document.getElementById("progress-bar").max = settlements.length;
  document.getElementById("progress-bar").value = done;
  const waiting = running.filter((s) => latest.get(s.id).detail).length;
  document.getElementById("progress-text").textContent =
    `Reconciling: ${done} of ${settlements.length} settlements done` + (waiting ? `; ${waiting} waiting for the flows to finish writing their transactions` : "") + "…";
  progressTimer = setTimeout(() => loadSettlements().catch(() => {}), 2000);
}

async function openSettlement(id) {
  const settlement = await api("GET", `${base()}/settlements/${encodeURIComponent(id)}`);
  const latest = (await latestReconciliations()).get(id);
  const reconciliation = latest && latest.status !== "running" ? await api("GET", `${base()}/reconciliations/${latest.id}`) : latest;
  const detail = document.getElementById("detail");
  detail.classList.remove("hidden");
  document.getElementById("detail-title").replaceChildren(`Batch #${settlement.batch_number} · ${settlement.settled_on} `, badgeFor(reconciliation));
  const trueUp = settlement.fee_true_up ? ` · statement fees ${settlement.actual_fees} (true-up ${settlement.fee_true_up})` : "";
  document.getElementById("detail-totals").replaceChildren(
    el("p", {}, `Sales ${settlement.sales_amount} − refunds ${settlement.refund_amount} = net ${settlement.net}; fees ${settlement.fees}${trueUp}; deposit ${settlement.actual_deposit || settlement.deposit}.`));
  const canWrite = session.role !== "viewer";
  document.getElementById("detail-actions").replaceChildren(...(canWrite ? [
    el("button", { type: "button", id: "reconcile-now", onclick: () => reconcile(settlement) }, "Reconcile now"),
    el("button", { type: "button", class: "secondary", id: "post-journals", onclick: () => post(settlement) }, "Post deposit and fees"),
    reconciliation && reconciliation.status !== "running"
      ? el("a", { class: "button secondary", href: `${base()}/reconciliations/${reconciliation.id}/findings.csv` }, "Export CSV") : null,
  ] : []));
  const findings = (reconciliation && reconciliation.findings) || [];
  const repairable = findings.filter((f) => f.repair);
  if (canWrite && repairable.length) {
    document.getElementById("detail-actions").append(
      el("button", { type: "button", id: "repair-all", onclick: () => repairAll(reconciliation) }, `Repair all (${repairable.length})`));
  }
  // Each ledger is reconciled against PayTrace, not against the other: one finding per line each.
  const byLine = new Map(findings.filter((f) => f.paytrace_amount).map((f) => [`${f.system}:${f.transaction_id}`, f]));
  const systems = (reconciliation && reconciliation.systems && reconciliation.systems.length) ? reconciliation.systems : ["zoho_books"];
  document.getElementById("detail-lines").replaceChildren(...settlement.lines.map((line) => {
    const row = el("tr", { "data-transaction": line.transaction_id },
      cell("PayTrace", `${line.transaction_type === "REFUND" ? "Refund" : "Sale"} ${line.transaction_id}`, el("div", { class: "muted" }, `${line.card_brand} ${line.masked_card_number}`)),
      cell("Amount", line.amount),
      cell("Expected fee", line.expected_fee));
    for (const system of ["zoho_books", "sage_pro"]) {
      const finding = byLine.get(`${system}:${line.transaction_id}`);
      if (finding) row.setAttribute(`data-${system.replace("_", "-")}`, finding.category);
      row.append(ledgerCell(system, systems.includes(system), finding, reconciliation, line, canWrite));
    }
    const categories = systems.map((system) => (byLine.get(`${system}:${line.transaction_id}`) || {}).category).filter(Boolean);
    row.setAttribute("data-category", categories.find((c) => c !== "matched") || categories[0] || "");
    return row;
  }));
  const extra = findings.filter((f) => !f.paytrace_amount);
  document.getElementById("detail-extra").replaceChildren(...extra.map((f) => el("tr", { "data-category": f.category },
    cell("Record", `${LEDGERS[f.system] || f.system} ${f.ledger_id || ""}`),
    cell("Amount", f.ledger_amount || ""),
    cell("Why listed", el("span", { class: `badge ${CATEGORY[f.category][0]}` }, CATEGORY[f.category][1]), el("div", { class: "muted" }, f.note)),
    cell("", explainControl(reconciliation, f, canWrite)),
  )));
  document.getElementById("detail-extra-empty").classList.toggle("hidden", extra.length > 0);
  const postings = settlement.postings || [];
  document.getElementById("detail-postings").replaceChildren(postings.length
    ? el("ul", {}, ...postings.map((p) => el("li", {}, `${p.kind.replace("_", " ")}: ${p.amount}${p.target_id ? ` (journal ${p.target_id})` : " (nothing to move)"}, ${formatDate(p.posted_at)}`)))
    : el("p", { class: "empty" }, "Nothing posted yet."));
  detail.scrollIntoView({ block: "start" });
}

/** One ledger's view of a line: its badge, its record and amount, the difference and what fixes it. */
function ledgerCell(system, read, finding, reconciliation, line, canWrite) {
  if (!read) return cell(LEDGERS[system], el("span", { class: "muted" }, "Not connected"));
  if (!finding) return cell(LEDGERS[system], el("span", { class: "muted" }, "Not checked yet"));
  const [kind, label] = CATEGORY[finding.category];
  const difference = finding.ledger_amount ? (Number(finding.ledger_amount) - Number(line.amount)).toFixed(2) : "";
  return cell(LEDGERS[system],
    el("span", { class: `badge ${kind}` }, label),
    finding.ledger_id ? el("div", { class: "muted" }, `${finding.ledger_id} · ${finding.ledger_amount}${difference && difference !== "0.00" ? ` (${difference})` : ""}`) : null,
    explainControl(reconciliation, finding, canWrite));
}

function explainControl(reconciliation, finding, canWrite) {
  if (!finding || finding.category === "matched") return null;
  if (finding.explanation) return el("div", { class: "muted" }, `Explained: ${finding.explanation}`);
  if (!canWrite) return null;
  const repair = finding.repair
    ? el("button", { type: "button", "data-repair": finding.position, onclick: () => repairFinding(reconciliation, finding) }, REPAIR[finding.repair]) : null;
  return el("div", { class: "actions" }, repair,
    el("button", { type: "button", class: "secondary", "data-explain": finding.position, onclick: () => explain(reconciliation, finding) }, "Explain"));
}

/** One difference repaired as the API says it can be (a job); reconcile again to see it matched. */
async function repairFinding(reconciliation, finding) {
  try {
    await api("POST", `${base()}/reconciliations/${reconciliation.id}/findings/${finding.position}/repair`);
    showAlert(message, "success", `${REPAIR[finding.repair]}: transaction ${finding.transaction_id} in ${LEDGERS[finding.system]}; reconcile again once it is done.`);
  } catch (error) { showAlert(message, "error", error.message); }
}

/** Every difference Clearline can fix, each a job; what is left needs a person's note. */
async function repairAll(reconciliation) {
  try {
    const queued = await api("POST", `${base()}/reconciliations/${reconciliation.id}/repair`);
    const left = queued.left.length ? ` ${queued.left.length} difference(s) need a note.` : "";
    showAlert(message, "success", `Repairing ${queued.positions.length} difference(s); reconcile again once they are done.${left}`);
  } catch (error) { showAlert(message, "error", error.message); }
}

async function explain(reconciliation, finding) {
  const note = prompt("Why is this difference right? (kept with your name)");
  if (!note || !note.trim()) return;
  try {
    await api("POST", `${base()}/reconciliations/${reconciliation.id}/findings/${finding.position}/explain`, { note: note.trim() });
    showAlert(message, "success", "Explained.");
    await openSettlement(reconciliation.settlement_id);
    await loadSettlements();
  } catch (error) { showAlert(message, "error", error.message); }
}

/** Starts a reconciliation and shows its outcome once the job has run. */
async function reconcile(settlement) {
  try {
    const started = await api("POST", `${base()}/reconciliations`, { settlement_id: settlement.id });
    showAlert(message, "success", `Checking batch #${settlement.batch_number} against the ledgers…`);
    for (let i = 0; i < 60; i++) {
      const now = await api("GET", `${base()}/reconciliations/${started.id}`);
      if (now.status !== "running") {
        showAlert(message, now.status === "balanced" ? "success" : "error",
          now.status === "balanced" ? `Batch #${settlement.batch_number} is balanced.` : `Batch #${settlement.batch_number}: ${now.differences} difference(s).`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await loadSettlements();
    await openSettlement(settlement.id);
  } catch (error) { showAlert(message, "error", error.message); }
}

async function post(settlement) {
  try {
    await api("POST", `${base()}/settlements/${settlement.id}/post`);
    showAlert(message, "success", `Posting batch #${settlement.batch_number}'s deposit and fees to each ledger; each journal is posted once.`);
    setTimeout(() => openSettlement(settlement.id), 1500);
  } catch (error) { showAlert(message, "error", error.message); }
}

async function load() {
  const ctx = await mountConsole("reconciliation");
  if (!ctx) return;
  ({ tenantId, environment, session } = ctx);
  await loadSettlements();
}

load().catch((error) => showAlert(message, "error", error.message));
