// The flow editor: flows of a tenant, a visual mapping editor per step (source fields, links
// with a transform, target fields), preview on a sample, versions with diff, deployments.
import { api, listAll } from "./api.js";
import { mountConsole } from "./console.js";
import { peopleNamer } from "./settings.js";
import { describe } from "./expressions.js";
import { el, cell, formatDate, showAlert, statusBadge } from "./ui.js";

const message = document.getElementById("message");
const base = () => `/v1/tenants/${encodeURIComponent(state.console.tenantId)}`;
const state = { session: null, schemas: {}, flow: null, definition: null, step: 0, selectedSource: null, sample: {} };

// Transforms offered on a link; anything else stays as written in the JSON.
const presets = [
  ["", "as is", null],
  ["trim", "trim", "trim"],
  ["upper", "upper case", "upper"],
  ["lower", "lower case", "lower"],
  ["money", "money (USD)", { fn: "money", currency: "USD" }],
  ["date", "PayTrace time → Zoho date", { fn: "date", from: "paytrace", to: "zoho_date", zone: "UTC" }],
  ["iso-date", "ISO 8601 → Zoho date", { fn: "date", from: "iso8601", to: "zoho_date", zone: "UTC" }],
  ["truncate40", "first 40 characters", { fn: "truncate", length: 40 }],
  ["deal-stage", "PayTrace status → CRM stage", { fn: "status", map: "paytrace_to_zoho_crm_deal_stage" }],
  ["invoice-ref", "invoice number from text", { fn: "reference_id", kind: "invoice" }],
];
const presetKey = (transform) => {
  const text = JSON.stringify(transform);
  const hit = presets.find(([, , t]) => t !== null && JSON.stringify(t) === text);
  return hit ? hit[0] : null;
};

function flatten(value, prefix = "", out = []) {
  if (Array.isArray(value)) { if (value.length) flatten(value[0], `${prefix}[0]`, out); }
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else if (prefix) out.push(prefix);
  return out;
}

function currentStep() { return state.definition.steps[state.step]; }
function fields() {
  const step = currentStep();
  step.mapping = step.mapping || { fields: {} };
  step.mapping.fields = step.mapping.fields || {};
  return step.mapping.fields;
}

/** A mapping entry as a link: a plain path with at most one known transform, or an expression. */
function asLink(target, expression) {
  if (typeof expression === "string") return { target, source: expression, preset: "" };
  if (expression && typeof expression === "object" && typeof expression.path === "string" && Object.keys(expression).every((k) => k === "path" || k === "then")) {
    const then = expression.then || [];
    if (then.length === 0) return { target, source: expression.path, preset: "" };
    if (then.length === 1 && presetKey(then[0]) !== null) return { target, source: expression.path, preset: presetKey(then[0]) };
  }
  return { target, expression };
}

function link(source, target, preset = "") {
  const transform = presets.find(([key]) => key === preset)[2];
  fields()[target] = transform ? { path: source, then: [transform] } : source;
  render();
}

function renderFields() {
  const schema = state.schemas[currentStep().target];
  document.getElementById("step-target").textContent = schema ? `writes ${schema.title}` : currentStep().target;
  document.getElementById("source-fields").replaceChildren(...flatten(state.sample).map((path) => el("li", {},
    el("button", { type: "button", class: `secondary${state.selectedSource === path ? " selected" : ""}`, "data-source": path,
      onclick: () => { state.selectedSource = path; renderFields(); } }, path))));
  const targets = (schema ? schema.fields : []).filter((f) => f.type !== "object" && f.type !== "array");
  document.getElementById("target-fields").replaceChildren(...targets.map((f) => el("li", {},
    el("button", { type: "button", class: `secondary${f.required ? " required" : ""}`, "data-target": f.name, title: `${f.type}${f.max_length ? `, at most ${f.max_length}` : ""}`,
      onclick: () => {
        if (!state.selectedSource) { showAlert(message, "error", "Click a source field first, then the target field it fills."); return; }
        link(state.selectedSource, f.name);
        state.selectedSource = null;
      } }, f.name))));
}

function renderLinks() {
  const rows = Object.entries(fields()).sort(([a], [b]) => a.localeCompare(b)).map(([target, expression]) => {
    const l = asLink(target, expression);
    const remove = el("button", { type: "button", class: "link", "aria-label": `Remove the link to ${target}`, onclick: () => { delete fields()[target]; render(); } }, "Remove");
    if (l.expression !== undefined) {
      // Any expression takes one more function at its end, picked by name.
      const add = el("select", { "data-add-function": target, "aria-label": `Add a function to ${target}`, onchange: (e) => {
        const transform = presets.find(([key]) => key === e.target.value)?.[2];
        if (!transform) return;
        const node = typeof l.expression === "object" && !Array.isArray(l.expression) ? l.expression : { path: l.expression };
        fields()[target] = { ...node, then: [...(node.then || []), transform] };
        render();
      } }, el("option", { value: "" }, "add a function…"), ...presets.filter(([key]) => key).map(([key, label]) => el("option", { value: key }, label)));
      return el("tr", { "data-link-row": target }, cell("Target", el("strong", {}, target)),
        cell("From", el("span", { class: "expression" }, describe(l.expression))), cell("Function", add), cell("", remove));
    }
    const select = el("select", { "data-link": target, "aria-label": `Function for ${target}`, onchange: (e) => link(l.source, target, e.target.value) },
      ...presets.map(([key, label]) => el("option", { value: key }, label)));
    select.value = l.preset;
    return el("tr", { "data-link-row": target }, cell("Target", el("strong", {}, target)), cell("From", el("code", {}, l.source)), cell("Function", select), cell("", remove));
  });
  document.getElementById("links").replaceChildren(...rows);
}

function render() {
  const select = document.getElementById("step-select");
  select.replaceChildren(...state.definition.steps.map((s, i) => el("option", { value: String(i) }, `${i + 1}. ${s.name || s.id} (${s.target})`)));
  select.value = String(state.step);
  renderFields();
  renderLinks();
  document.getElementById("definition").value = JSON.stringify(state.definition, null, 2);
}

async function saveDraft() {
  const updated = await api("PATCH", `${base()}/flows/${state.flow.id}`, { definition: state.definition, revision: state.flow.revision });
  state.flow = { ...state.flow, ...updated };
  return updated;
}

async function withMessage(action, success) {
  try {
    const result = await action();
    if (success) showAlert(message, "success", typeof success === "function" ? success(result) : success);
  } catch (error) {
    showAlert(message, "error", error.message);
  }
}

async function preview() {
  await saveDraft();
  const result = await api("POST", `${base()}/flows/${state.flow.id}/versions/draft/preview`, { sample: state.sample });
  document.getElementById("preview-output").replaceChildren(...result.steps.map((s) => el("div", { class: "preview-step", "data-step": s.step, "data-outcome": s.outcome },
    el("h4", {}, `${s.step} → ${s.target}: `, statusBadge(s.outcome)),
    s.record ? el("pre", { class: "preview" }, JSON.stringify(s.record, null, 2)) : null,
    ...(s.errors || []).map((e) => el("div", { class: "alert error" }, `${e.field}: ${e.message}`)))));
}

async function loadVersions() {
  const versions = await listAll(`${base()}/flows/${state.flow.id}/versions`);
  const canWrite = state.session.role !== "viewer";
  document.getElementById("versions").replaceChildren(...versions.map((v) => el("tr", { "data-version": String(v.version) },
    cell("Version", String(v.version)),
    cell("Fixtures", el("span", { class: "badge" }, v.fixture_results.length === 0 ? "none" : (v.fixtures_passed ? "passed" : "failed"))),
    cell("Checksum", el("code", {}, v.checksum.slice(0, 12))),
    cell("Published", `${formatDate(v.created_at)} by ${state.name(v.published_by)}`),
    cell("", v.version > 1 ? el("button", { type: "button", class: "link", onclick: () => withMessage(() => diff(v.version)) }, "Diff") : null,
      canWrite ? el("button", { type: "button", class: "secondary", "data-deploy": String(v.version),
        onclick: () => withMessage(() => deploy(v.version), `Version ${v.version} deployed to dev.`) }, "Deploy to dev") : null))));
}

async function diff(version) {
  const result = await api("GET", `${base()}/flows/${state.flow.id}/versions/${version}/diff`);
  document.getElementById("diff-output").replaceChildren(el("h4", {}, `Changes from version ${result.from} to ${result.to}`),
    el("ul", {}, ...result.changes.map((c) => el("li", {}, el("code", {}, c.path), ` ${c.kind}: `,
      c.before === undefined ? "" : JSON.stringify(c.before), c.kind === "changed" ? " → " : "", c.after === undefined ? "" : JSON.stringify(c.after)))));
}

async function deploy(version) {
  await api("POST", `${base()}/environments/dev/deployments`, { flow_id: state.flow.id, version });
  await refreshFlow();
}

async function refreshFlow() {
  const flow = await api("GET", `${base()}/flows/${state.flow.id}`);
  state.flow = flow;
  renderDeployments();
}

function renderDeployments() {
  const canWrite = state.session.role !== "viewer";
  const live = state.flow.deployments || {};
  document.getElementById("deployments").replaceChildren(...["dev", "qa", "prod"].map((env) => el("div", { class: "env", "data-env": env },
    el("strong", {}, env), el("div", { "data-live": env }, live[env] ? `version ${live[env]}` : "not deployed"),
    canWrite && env !== "dev" ? el("button", { type: "button", "data-promote": env,
      onclick: () => withMessage(async () => {
        if (!(await promotionConfirmed(env))) throw new Error(`Not promoted to ${env}.`);
        await api("POST", `${base()}/environments/${env}/deployments/promote`, { flow_id: state.flow.id });
        await refreshFlow();
      }, `Promoted to ${env}.`) }, `Promote to ${env}`) : null,
    canWrite && live[env] ? el("button", { type: "button", class: "secondary", "data-rollback": env,
      onclick: () => withMessage(async () => { await api("POST", `${base()}/environments/${env}/deployments/${state.flow.id}/rollback`); await refreshFlow(); },
        `Rolled back ${env}.`) }, "Roll back") : null)));
}

// The connection kind each target system writes through.
const KIND_OF_SYSTEM = { zoho_books: "zoho", zoho_crm: "zoho", zoho_inventory: "zoho", sage_pro: "sage_pro", shop: "shop" };
const KIND_NAMES = { zoho: "Zoho", sage_pro: "Sage Pro", shop: "shop" };

/**
 * Connections are never copied by a promotion: when `env` lacks one that a step of the flow
 * writes through, say which and let the person decide (its runs there would fail).
 */
async function promotionConfirmed(env) {
  const connections = await listAll(`${base()}/environments/${env}/connections`);
  const have = new Set(connections.map((c) => c.kind));
  const needed = new Map();
  for (const step of state.definition.steps || []) {
    const kind = KIND_OF_SYSTEM[state.schemas[step.target]?.system];
    if (kind && !have.has(kind)) needed.set(kind, [...(needed.get(kind) || []), step.id]);
  }
  if (needed.size === 0) return true;
  const missing = [...needed].map(([kind, steps]) => `no ${KIND_NAMES[kind]} connection (needed by ${steps.join(", ")})`).join("; ");
  return confirm(`${env} has ${missing}. Runs there will fail until it is added under Connections in ${env}. Promote anyway?`);
}

async function suggest() {
  const result = await api("POST", "/v1/mapping-suggestions", { sample: state.sample, target: currentStep().target });
  const taken = fields();
  document.getElementById("suggestions").replaceChildren(...result.items.filter((s) => taken[s.target] === undefined).map((s) => el("li", {},
    el("button", { type: "button", class: "secondary", onclick: () => { fields()[s.target] = s.expression; render(); } },
      `${s.source} → ${s.target} (${Math.round(s.score * 100)}%: ${s.reasons.join(", ")})`))));
}

async function openFlow(id) {
  const flow = await api("GET", `${base()}/flows/${id}`);
  state.flow = flow;
  state.definition = flow.draft;
  state.step = 0;
  const fixture = (flow.draft.fixtures || [])[0];
  state.sample = fixture ? fixture.input : state.sample;
  document.getElementById("sample").value = JSON.stringify(state.sample, null, 2);
  document.getElementById("editor-title").textContent = flow.name;
  document.getElementById("editor").classList.remove("hidden");
  document.getElementById("flow-runs").href = state.console.href("runs", { flow: flow.id });
  render();
  renderDeployments();
  await loadVersions();
}

async function loadFlows() {
  const flows = await listAll(`${base()}/flows`);
  document.getElementById("flows").replaceChildren(...flows.map((f) => el("tr", { "data-flow-id": f.id },
    cell("Name", el("button", { type: "button", class: "link", onclick: () => withMessage(() => openFlow(f.id)) }, f.name)),
    cell("Latest version", f.latest_version ? String(f.latest_version) : "none"),
    cell("Draft revision", String(f.revision)),
    cell("Updated", formatDate(f.updated_at)))));
  document.getElementById("flows-empty").classList.toggle("hidden", flows.length > 0);
}

async function load() {
  state.console = await mountConsole("flows");
  if (!state.console) return;
  state.session = state.console.session;
  state.name = await peopleNamer(state.console.tenantId);
  const [templates, schemas] = await Promise.all([api("GET", "/v1/flow-templates"), api("GET", "/v1/target-schemas")]);
  for (const schema of schemas.items) state.schemas[schema.name] = schema;
  document.getElementById("flow-template").append(...templates.items.map((t) => el("option", { value: t.id }, t.name)));
  document.getElementById("new-flow").addEventListener("submit", (event) => {
    event.preventDefault();
    const template = document.getElementById("flow-template").value;
    const name = document.getElementById("flow-name").value;
    const blank = { trigger: { source: "paytrace", event_types: ["paytrace.transaction.sale"] },
      steps: [{ id: "invoice", target: "zoho_books.invoice", mapping: { fields: {} } }] };
    withMessage(async () => {
      const flow = await api("POST", `${base()}/flows`, template ? { name, template_id: template } : { name, definition: blank });
      await loadFlows();
      await openFlow(flow.id);
    }, "Flow created.");
  });
  document.getElementById("step-select").addEventListener("change", (e) => { state.step = Number(e.target.value); render(); });
  document.getElementById("apply-json").addEventListener("click", () => withMessage(() => {
    state.sample = JSON.parse(document.getElementById("sample").value || "{}");
    state.definition = JSON.parse(document.getElementById("definition").value);
    state.step = Math.min(state.step, state.definition.steps.length - 1);
    render();
  }));
  document.getElementById("suggest").addEventListener("click", () => withMessage(suggest));
  document.getElementById("save-draft").addEventListener("click", () => withMessage(saveDraft, (f) => `Draft saved (revision ${f.revision}).`));
  document.getElementById("preview").addEventListener("click", () => withMessage(preview));
  document.getElementById("publish").addEventListener("click", () => withMessage(async () => {
    await saveDraft();
    const version = await api("POST", `${base()}/flows/${state.flow.id}/versions`, {});
    await loadVersions();
    return version;
  }, (v) => `Version ${v.version} published; fixtures ${v.fixtures_passed ? "passed" : "did not pass"}.`));
  await loadFlows();
}

load().catch((error) => showAlert(message, "error", error.message));
