// Connections per environment: list, create, edit and remove. Secret inputs are always empty:
// the server never sends a secret back, only whether it is set and a masked hint.
import { api, listAll } from "./api.js";
import { el, cell, formatDate, healthBadge, showAlert } from "./ui.js";

const KINDS = {
  paytrace: {
    label: "PayTrace",
    settings: [
      { name: "base_url", label: "API base URL", placeholder: "https://api.paytrace.com" },
      { name: "poll", label: "Poll for transactions and settlements", flag: true },
      { name: "poll_interval_seconds", label: "Poll every (seconds)", placeholder: "300" },
    ],
    secrets: [["username", "API user name"], ["password", "API password"], ["integrator_id", "Integrator ID"]],
  },
  zoho: {
    label: "Zoho",
    settings: [
      { name: "data_center", label: "Data center", choices: ["us", "eu", "in", "au", "jp", "ca", "sa", "cn"], required: true },
      { name: "organization_id", label: "Organization ID", required: true },
      { name: "books", label: "Books", flag: true },
      { name: "inventory", label: "Inventory", flag: true },
      { name: "crm", label: "CRM", flag: true },
      { name: "accounts_url", label: "Accounts server (override)", placeholder: "from the data center" },
    ],
    secrets: [["client_id", "Client ID"], ["client_secret", "Client secret"], ["refresh_token", "Refresh token"]],
  },
  sage_pro: {
    label: "Sage Pro agent",
    settings: [{ name: "agent_name", label: "Agent name" }, { name: "company_code", label: "Company code" }],
    // Its enrolment token is Clearline's to make: shown once, when the connection is added or renewed.
    secrets: [],
  },
  shop: {
    label: "Shop (fulfilment webhook)",
    settings: [{ name: "webhook_url", label: "Shop's webhook URL", placeholder: "https://shop.example/webhooks/clearline", required: true },
               { name: "shop_name", label: "Shop name" },
               { name: "signature_scheme", label: "Signature", choices: ["clearline", "standard_webhooks"] }],
    secrets: [["signing_secret", "Signing secret (give the shop the same)",
               { generate: "whsec", hint: "Give the shop this secret; save to apply. It suits both signatures." }]],
  },
};

export function mountConnections({ tenantId, canWrite, container, message, onChange = async () => {}, environment: fixed }) {
  // The console's environment switcher chooses it; without one, tabs here do.
  let environment = fixed || "dev";
  let editing = null;
  const path = () => `/v1/tenants/${encodeURIComponent(tenantId)}/environments/${environment}/connections`;

  const tabs = el("div", { class: "tabs", role: "tablist" }, ...["dev", "qa", "prod"].map((name) =>
    el("button", { type: "button", role: "tab", class: "tab", "data-env": name, onclick: () => { environment = name; render(); } }, name)));
  const table = el("tbody", { id: "connections" });
  const empty = el("div", { class: "empty hidden", id: "connections-empty" }, "No connections in this environment yet.");
  const kindSelect = el("select", { id: "connection-kind" }, ...Object.entries(KINDS).map(([k, v]) => el("option", { value: k }, v.label)));
  const nameInput = el("input", { id: "connection-name", required: "", maxlength: "200", placeholder: "e.g. PayTrace production" });
  const fields = el("div", { class: "form-grid", id: "connection-fields" });
  const submit = el("button", { type: "submit", id: "save-connection" }, "Add connection");
  const cancel = el("button", { type: "button", class: "secondary hidden", onclick: () => { editing = null; resetForm(); } }, "Cancel");
  const form = el("form", { id: "connection-form", class: canWrite ? "" : "hidden", autocomplete: "off" },
    el("div", { class: "form-grid" }, el("label", {}, "Kind", kindSelect), el("label", {}, "Name", nameInput)),
    fields, el("div", { class: "actions" }, submit, cancel));
  kindSelect.addEventListener("change", () => renderFields(kindSelect.value, null));
  container.replaceChildren(...(fixed ? [] : [tabs]), form,
    el("table", { class: "responsive" },
      el("thead", {}, el("tr", {}, ...["Name", "Kind", "Secrets", "Status", "Updated", ""].map((h) => el("th", {}, h)))), table),
    empty);

  function renderFields(kind, connection) {
    const spec = KINDS[kind];
    const settingInputs = spec.settings.map((s) => {
      const current = connection ? connection.settings[s.name] : undefined;
      if (s.flag) {
        const box = el("input", { type: "checkbox", "data-setting": s.name, "data-flag": "1" });
        box.checked = current === true;
        return el("label", { class: "check" }, box, s.label);
      }
      const input = s.choices
        ? el("select", { "data-setting": s.name }, ...s.choices.map((c) => el("option", { value: c }, c)))
        : el("input", { "data-setting": s.name, placeholder: s.placeholder || "", maxlength: "500" });
      if (current !== undefined) input.value = current;
      return el("label", {}, s.label + (s.required ? " *" : ""), input);
    });
    const secretInputs = spec.secrets.map(([name, label, options = {}]) => {
      const known = connection && connection.secrets[name];
      const input = el("input", { type: "password", "data-secret": name, autocomplete: "new-password", maxlength: "4096",
                                  placeholder: known && known.set ? `unchanged (${known.hint})` : "not set" });
      if (!options.generate) return el("label", {}, label, input);
      // Shown once, here, so the admin can copy it into the agent's configuration; the server
      // never shows it again.
      const generate = el("button", { type: "button", class: "secondary generate-secret", onclick: () => {
        input.type = "text";
        // Standard Webhooks' form: whsec_ and the base64 of 32 random bytes.
        input.value = "whsec_" + btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
        input.select();
      } }, "Generate");
      return el("label", {}, label, el("span", { class: "inline-input" }, input, generate),
        el("small", {}, options.hint));
    });
    fields.replaceChildren(...settingInputs, ...secretInputs);
  }

  function resetForm() {
    form.reset();
    kindSelect.disabled = false;
    submit.textContent = "Add connection";
    cancel.classList.add("hidden");
    renderFields(kindSelect.value, null);
  }

  function collect() {
    const settings = {};
    const secrets = {};
    fields.querySelectorAll("[data-setting]").forEach((input) => {
      if (input.dataset.flag) settings[input.dataset.setting] = input.checked;
      else if (input.value !== "") settings[input.dataset.setting] = input.value;
      else if (editing && editing.settings[input.dataset.setting] !== undefined) settings[input.dataset.setting] = null;
    });
    fields.querySelectorAll("[data-secret]").forEach((input) => { if (input.value !== "") secrets[input.dataset.secret] = input.value; });
    return { settings, secrets };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const { settings, secrets } = collect();
      if (editing) {
        await api("PATCH", `${path()}/${encodeURIComponent(editing.id)}`, { name: nameInput.value, settings, secrets });
        showAlert(message, "success", `Saved ${nameInput.value}.`);
      } else {
        const created = await api("POST", path(), { kind: kindSelect.value, name: nameInput.value, settings, secrets });
        if (created.enrolment_token) showToken(created);
        else showAlert(message, "success", `Added ${nameInput.value} to ${environment}.`);
      }
      editing = null;
      resetForm();
      await render();
      await onChange();
    } catch (error) {
      showAlert(message, "error", error.message);
    } finally {
      submit.disabled = false;
    }
  });

  function edit(connection) {
    editing = connection;
    kindSelect.value = connection.kind;
    kindSelect.disabled = true;
    nameInput.value = connection.name;
    renderFields(connection.kind, connection);
    submit.textContent = "Save changes";
    cancel.classList.remove("hidden");
    nameInput.focus();
  }

  async function connectZoho(connection) {
    try {
      const { authorization_url: url } = await api("POST", `${path()}/${encodeURIComponent(connection.id)}/oauth/start`);
      location.assign(url);
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  }

  // A test's outcome is shown under the row tested, where the person is looking.
  let tested = null; // [connection id, kind, text]
  async function test(connection) {
    tested = [connection.id, "status", `Testing ${connection.name}…`];
    await render();
    try {
      const result = await api("POST", `${path()}/${encodeURIComponent(connection.id)}/test`);
      tested = [connection.id, result.ok ? "success" : "error", `${connection.name}: ${result.message}`];
    } catch (error) {
      tested = [connection.id, "error", error.message];
    }
    await render();
  }

  function stateBadge(c) {
    const title = c.health ? [c.health.last_success_at ? `Last call that worked: ${formatDate(c.health.last_success_at)}` : "No call has worked yet",
      c.health.last_failure_at ? `last failure: ${formatDate(c.health.last_failure_at)} (${c.health.last_error || "no detail"})` : null].filter(Boolean).join("; ") : "";
    return healthBadge(c.health?.state || c.status, title);
  }

  /** A Sage Pro agent's enrolment token, the one time it is shown: the agent needs it, the connection's id and this server's address. */
  function showToken(connection) {
    message.replaceChildren(el("div", { class: "alert success", role: "status", id: "enrolment-token" },
      `${connection.name}: give the agent this enrolment token now; it is not shown again. `,
      el("code", { "data-token": "" }, connection.enrolment_token),
      ` Connection id: ${connection.id}.`));
  }

  async function renewToken(connection) {
    if (!confirm(`Make a new enrolment token for "${connection.name}"? The agent using the old one is refused from now on.`)) return;
    try {
      showToken(await api("POST", `${path()}/${encodeURIComponent(connection.id)}/enrolment-token`));
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  }

  async function remove(connection) {
    if (!confirm(`Remove "${connection.name}" from ${environment}? Its stored credentials are erased.`)) return;
    try {
      await api("DELETE", `${path()}/${encodeURIComponent(connection.id)}`);
      showAlert(message, "success", `Removed ${connection.name}.`);
      await render();
      await onChange();
    } catch (error) {
      showAlert(message, "error", error.message);
    }
  }

  async function render() {
    tabs.querySelectorAll(".tab").forEach((t) => t.setAttribute("aria-selected", String(t.dataset.env === environment)));
    const connections = await listAll(path());
    table.replaceChildren(...connections.flatMap((c) => {
      const secrets = Object.entries(c.secrets);
      const missing = secrets.filter(([, s]) => !s.set).length;
      const outcome = tested && tested[0] === c.id
        ? el("tr", { class: "row-message" }, el("td", { colspan: "6" },
          el("div", { class: `alert ${tested[1] === "error" ? "error" : "success"}`, role: tested[1] === "error" ? "alert" : "status", "data-test-result": c.id }, tested[2])))
        : null;
      return [el("tr", { "data-connection-id": c.id },
        cell("Name", c.name),
        cell("Kind", el("span", { class: "badge" }, KINDS[c.kind] ? KINDS[c.kind].label : c.kind)),
        cell("Secrets", el("span", { class: "badge " + (missing ? "warn" : "ok") }, missing ? `${missing} of ${secrets.length} missing` : "all set")),
        cell("Status", stateBadge(c)),
        cell("Updated", formatDate(c.updated_at)),
        cell("", canWrite ? el("span", { class: "row-actions" },
          c.kind === "zoho" ? el("button", { type: "button", class: "connect-zoho", onclick: () => connectZoho(c) }, "Connect Zoho") : null,
          c.kind === "sage_pro" ? el("button", { type: "button", class: "secondary renew-token", onclick: () => renewToken(c) }, "New token") : null,
          el("button", { type: "button", class: "secondary test-connection", onclick: () => test(c) }, "Test"),
          el("button", { type: "button", class: "secondary edit-connection", onclick: () => edit(c) }, "Edit"),
          el("button", { type: "button", class: "danger", onclick: () => remove(c) }, "Remove")) : null)), outcome].filter(Boolean);
    }));
    empty.classList.toggle("hidden", connections.length > 0);
  }

  resetForm();
  return render();
}
