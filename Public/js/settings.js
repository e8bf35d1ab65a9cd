// Settings of a tenant, for all its environments: API keys, users, the promotion policy, and
// the audit log with its chain check. People appear by e-mail and keys by name, not by id.
import { api, listAll } from "./api.js";
import { el, cell, formatDate, pagePath, pager, showAlert } from "./ui.js";

/** `actor` of an audit line or a deployment ("user:<id>", "api_key:<id>", "cli") in words. */
export async function peopleNamer(tenantId) {
  const tenant = `/v1/tenants/${encodeURIComponent(tenantId)}`;
  const [users, keys] = await Promise.all([listAll(`${tenant}/users`).catch(() => []), listAll(`${tenant}/api-keys`).catch(() => [])]);
  const names = new Map([...users.map((u) => [`user:${u.id}`, u.email]), ...keys.map((k) => [`api_key:${k.id}`, `API key “${k.name}”`])]);
  return (actor) => names.get(actor) || (actor === "cli" ? "the command line" : actor?.startsWith("user:") ? "a removed user"
    : actor?.startsWith("api_key:") ? "a platform or removed API key" : actor || "someone");
}

function section(title, intro, ...children) {
  return el("section", { class: "card" }, el("h2", {}, title), intro ? el("p", { class: "muted" }, intro) : null, ...children);
}

export async function mountSettings(ctx, container) {
  const tenant = `/v1/tenants/${encodeURIComponent(ctx.tenantId)}`;
  const owner = ctx.session.role === "owner" || ctx.session.role === "platform_admin";
  const say = (kind, text) => showAlert(ctx.message, kind, text);

  // API keys: made here, shown once.
  const keyName = el("input", { id: "key-name", required: "", maxlength: "200", placeholder: "Storefront integration" });
  const keyRole = el("select", { id: "key-role" }, el("option", { value: "viewer" }, "viewer (read only)"), el("option", { value: "admin" }, "admin"), el("option", { value: "owner" }, "owner"));
  const keyForm = el("form", { id: "key-form", class: ctx.canWrite ? "inline" : "hidden" },
    el("label", {}, "Name", keyName), el("label", {}, "Role", keyRole), el("button", { type: "submit", id: "create-key" }, "Create key"));
  const tokenCode = el("code", { id: "new-key-token" });
  const copy = el("button", { type: "button", class: "secondary", id: "copy-key" }, "Copy");
  const newKey = el("div", { id: "new-key", class: "token hidden", role: "status" }, el("span", {}, "Copy this key now; it will not be shown again:"), tokenCode, copy);
  const keys = el("tbody", { id: "keys" });
  const keysEmpty = el("div", { id: "keys-empty", class: "empty hidden" }, "No API keys yet. Create one for each system that calls Clearline, with the least role it needs.");

  // Users.
  const userEmail = el("input", { id: "user-email", type: "email", required: "", maxlength: "254" });
  const userPassword = el("input", { id: "user-password", type: "password", required: "", minlength: "12", maxlength: "200", autocomplete: "new-password" });
  const userRole = el("select", { id: "user-role" }, el("option", { value: "viewer" }, "viewer"), el("option", { value: "admin" }, "admin"), el("option", { value: "owner" }, "owner"));
  const userForm = el("form", { id: "user-form", class: ctx.canWrite ? "inline" : "hidden", autocomplete: "off" },
    el("label", {}, "E-mail", userEmail), el("label", {}, "First password", userPassword), el("label", {}, "Role", userRole),
    el("button", { type: "submit", id: "create-user" }, "Add user"));
  const users = el("tbody", { id: "users" });

  // Promotion policy.
  const requireFixtures = el("input", { type: "checkbox", id: "policy-fixtures" });
  const requireQA = el("input", { type: "checkbox", id: "policy-qa" });
  const policyForm = el("form", { id: "policy-form" },
    el("label", { class: "check" }, requireFixtures, "A version goes to prod only if its fixtures passed when it was published"),
    el("label", { class: "check" }, requireQA, "A version goes to prod only after it ran in qa"),
    owner ? el("div", { class: "actions" }, el("button", { type: "submit", class: "secondary", id: "save-policy" }, "Save policy")) : el("p", { class: "muted" }, "Only an owner changes it."));

  // Audit log.
  const audit = el("tbody", { id: "audit" });
  const verdict = el("div", { id: "audit-verdict", "aria-live": "polite" });
  let name = await peopleNamer(ctx.tenantId);
  const auditPages = pager(async (cursor, limit) => {
    const page = await api("GET", pagePath(`${tenant}/audit-log`, cursor, limit));
    audit.replaceChildren(...page.items.map((line) => el("tr", { "data-sequence": String(line.sequence) },
      cell("When", formatDate(line.at)), cell("Who", name(line.actor)), cell("What", line.action.replace(/[._]/g, " ")),
      cell("Details", Object.entries(line.details || {}).map(([k, v]) => `${k}: ${v}`).join(", ") || "–"))));
    return page;
  });

  container.replaceChildren(
    section("API keys", "For systems that call Clearline's API. A key is shown once, when made.", keyForm, newKey,
      el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["Name", "Role", "Key", "Created", "Last used", ""].map((h) => el("th", {}, h)))), keys), keysEmpty),
    section("Users", "People who sign in to this console, by role: viewers read, admins change connections and flows, owners also manage people, keys and policy.", userForm,
      el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["E-mail", "Role", "Added", ""].map((h) => el("th", {}, h)))), users)),
    section("Promotion policy", "What a flow version must have passed before it is promoted to prod.", policyForm),
    section("Audit log", "Every change, who made it and when, chained so that an altered line shows.",
      el("div", { class: "actions" }, el("button", { type: "button", class: "secondary", id: "verify-audit", onclick: verify }, "Verify the chain")), verdict,
      el("table", { class: "responsive" }, el("thead", {}, el("tr", {}, ...["When", "Who", "What", "Details"].map((h) => el("th", {}, h)))), audit), auditPages.nav));

  async function loadKeys() {
    const list = await listAll(`${tenant}/api-keys`);
    keys.replaceChildren(...list.map((k) => el("tr", { "data-key-id": k.id },
      cell("Name", k.name), cell("Role", el("span", { class: "badge" }, k.role)), cell("Key", el("code", {}, `cl_${k.prefix}_…`)),
      cell("Created", formatDate(k.created_at)), cell("Last used", formatDate(k.last_used_at)),
      cell("", ctx.canWrite ? el("button", { class: "danger", type: "button", onclick: () => revokeKey(k) }, "Revoke") : null))));
    keysEmpty.classList.toggle("hidden", list.length > 0);
  }

  async function revokeKey(key) {
    if (!confirm(`Revoke "${key.name}"? Anything using it stops working at once.`)) return;
    try {
      await api("DELETE", `${tenant}/api-keys/${encodeURIComponent(key.id)}`);
      say("success", `Revoked ${key.name}.`);
      await loadKeys();
    } catch (error) { say("error", error.message); }
  }

  keyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = document.getElementById("create-key");
    button.disabled = true;
    try {
      const key = await api("POST", `${tenant}/api-keys`, { name: keyName.value, role: keyRole.value });
      tokenCode.textContent = key.token;
      newKey.classList.remove("hidden");
      keyForm.reset();
      ctx.message.replaceChildren();
      await loadKeys();
    } catch (error) { say("error", error.message); } finally { button.disabled = false; }
  });

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(tokenCode.textContent);
      copy.textContent = "Copied";
    } catch {
      const range = document.createRange();
      range.selectNodeContents(tokenCode);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
  });

  async function loadUsers() {
    const list = await listAll(`${tenant}/users`);
    users.replaceChildren(...list.map((u) => el("tr", { "data-user": u.email },
      cell("E-mail", u.email), cell("Role", el("span", { class: "badge" }, u.role)), cell("Added", formatDate(u.created_at)),
      cell("", ctx.canWrite && u.id !== ctx.session.user?.id ? el("button", { type: "button", class: "danger", onclick: () => removeUser(u) }, "Remove") : null))));
  }

  async function removeUser(user) {
    if (!confirm(`Remove ${user.email}? They are signed out at once.`)) return;
    try {
      await api("DELETE", `${tenant}/users/${encodeURIComponent(user.id)}`);
      say("success", `Removed ${user.email}.`);
      await loadUsers();
    } catch (error) { say("error", error.message); }
  }

  userForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const user = await api("POST", `${tenant}/users`, { email: userEmail.value.trim(), password: userPassword.value, role: userRole.value });
      userForm.reset();
      say("success", `Added ${user.email} as ${user.role}. Give them the first password by a safe route.`);
      await loadUsers();
      name = await peopleNamer(ctx.tenantId);
    } catch (error) { say("error", error.message); }
  });

  async function loadPolicy() {
    const policy = await api("GET", `${tenant}/promotion-policy`);
    requireFixtures.checked = policy.require_fixtures;
    requireQA.checked = policy.require_qa;
    requireFixtures.disabled = requireQA.disabled = !owner;
  }

  policyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("PUT", `${tenant}/promotion-policy`, { require_fixtures: requireFixtures.checked, require_qa: requireQA.checked });
      say("success", "Promotion policy saved.");
    } catch (error) { say("error", error.message); }
  });

  async function verify() {
    try {
      const result = await api("GET", `${tenant}/audit-log/verify`);
      showAlert(verdict, result.valid ? "success" : "error", result.valid
        ? `The chain holds: ${result.entries_checked} lines checked, none altered.`
        : `The chain is broken at line ${result.first_broken_sequence}: ${result.reason || "a line was altered"}.`);
    } catch (error) { showAlert(verdict, "error", error.message); }
  }

  await Promise.all([loadKeys(), loadUsers(), loadPolicy(), auditPages.first()]);
}
