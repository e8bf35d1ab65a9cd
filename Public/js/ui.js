// Small DOM helpers; text always goes in through textContent, never innerHTML.
import { logout } from "./api.js";

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function showAlert(container, kind, message) {
  container.replaceChildren(el("div", { class: `alert ${kind}`, role: kind === "error" ? "alert" : "status" }, message));
}

// The zone times are shown in: the tenant's (its PayTrace connection's time_zone, which its
// settlement days follow), else the reader's own.
let timeZone;
export function setTimeZone(zone) {
  try { new Intl.DateTimeFormat(undefined, { timeZone: zone }); timeZone = zone; } catch { timeZone = undefined; }
}

export function formatDate(value) {
  if (!value) return "never";
  return new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone });
}

/** `value`'s date as `options` say (weekday, month, day), in the same zone as formatDate. */
export function formatDateParts(value, options) {
  return new Date(value).toLocaleDateString(undefined, { ...options, timeZone });
}

/** The time of day of `value`, in the same zone as formatDate. */
export function formatTime(value) {
  return new Date(value).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", timeZone });
}

// One colour per meaning, so that succeeded, failed and waiting for a person never look alike.
const BADGE_KINDS = {
  succeeded: "ok", written: "ok", linked: "ok", passed: "ok", approved: "ok", active: "ok", sent: "ok", sending: "warn",
  failed: "bad", invalid: "bad", declined: "bad", "past due": "bad",
  review: "warn", skipped: "warn", charging: "warn", authorized: "warn", capturing: "warn", paused: "warn",
};

export function statusBadge(status) {
  return el("span", { class: `badge ${BADGE_KINDS[status] || ""}`.trim(), "data-status": status }, status);
}

// A connection's state as the API says it (its health: what it last did), the same badge on
// the dashboard and in the connections list.
const HEALTH_KINDS = { connected: "ok", failing: "bad", failed: "bad", stopped: "bad", agent_offline: "bad" };

export function healthBadge(state, title = "") {
  return el("span", { class: `badge ${HEALTH_KINDS[state] || "warn"}`, title, "data-state": state },
    state === "stopped" ? "stopped: credentials refused" : state.replace("_", " "));
}

// A day, not a moment (a chargeback's received date is stored as that day's midnight UTC):
// shown as the day it is, not converted to the reader's zone, where 12/01 became Nov 30.
export function formatDay(value) {
  if (!value) return "";
  return new Date(value).toLocaleDateString(undefined, { dateStyle: "medium", timeZone: "UTC" });
}

export function renderTopbar(session) {
  const who = document.getElementById("who");
  if (!who) return;
  const email = session.user ? session.user.email : "API key";
  who.replaceChildren(
    el("span", { class: "email" }, email),
    el("span", { class: "badge" }, session.role.replace("_", " ")),
    el("button", { class: "link", type: "button", id: "logout", onclick: () => logout() }, "Log out"),
  );
}

export function cell(label, ...content) {
  return el("td", { "data-label": label }, ...content);
}

/**
 * Previous and Next over a cursor-paged list: `load(cursor)` shows one page and returns it
 * ({items, next_cursor}). The cursors of pages seen are kept, so Previous needs no server help.
 */
export function pager(load, { pageSize = 25 } = {}) {
  const cursors = [null];
  let index = 0;
  const previous = el("button", { type: "button", class: "secondary", "data-page": "previous", onclick: () => go(index - 1) }, "Previous");
  const next = el("button", { type: "button", class: "secondary", "data-page": "next", onclick: () => go(index + 1) }, "Next");
  const where = el("span", { class: "muted" });
  const nav = el("nav", { class: "pager", "aria-label": "Pages" }, previous, where, next);
  async function go(target) {
    index = Math.max(0, target);
    const page = await load(cursors[index], pageSize);
    cursors[index + 1] = page.next_cursor;
    previous.disabled = index === 0;
    next.disabled = !page.next_cursor;
    where.textContent = `Page ${index + 1}`;
    nav.classList.toggle("hidden", index === 0 && !page.next_cursor);
    return page;
  }
  return { nav, first: () => { cursors.length = 1; return go(0); }, reload: () => go(index) };
}

/** `limit` and `cursor` added to a list path. */
export function pagePath(path, cursor, limit) {
  const sep = path.includes("?") ? "&" : "?";
  return `${path}${sep}limit=${limit}${cursor ? "&cursor=" + encodeURIComponent(cursor) : ""}`;
}
