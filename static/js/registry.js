// The registry's own few lines: everything works without them, they only make it nicer.
"use strict";

// After htmx swaps in a form with errors, move focus to its error summary (GOV.UK pattern).
document.addEventListener("htmx:afterSwap", (event) => {
  const summary = event.detail.target.querySelector(".error-summary");
  if (summary) summary.focus();
});

// A page re-rendered with errors after a plain POST: start at the summary too.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});

// Keep the keyboard's place when htmx replaces the part of the page that had the focus (a
// queue row after a decision, an account's row after a role change). Without this the focus
// falls to <body> and the next Tab starts again at the skip link.
//   - In a list of things to decide ([data-focus-next]), focus goes to the next row's first
//     button, or to the outcome when none is left.
//   - Anywhere else, to the same control in the new content, else to the new content itself.
// What the new content says (its status or alert message) is read out by one live region.
let swapped = null; // {id, locator} of the element being replaced, and of the focused control

function locate(element) {
  if (!element || element === document.body) return null;
  const form = element.closest("form");
  return {
    id: element.id,
    tag: element.tagName,
    name: element.getAttribute("name"),
    value: element.getAttribute("value"),
    type: element.getAttribute("type"),
    action: form ? form.getAttribute("action") : null,
  };
}

function find(root, locator) {
  if (!locator) return null;
  if (locator.id) {
    const same = root.querySelector(`#${CSS.escape(locator.id)}`);
    if (same) return same;
  }
  const forms = locator.action
    ? Array.from(root.querySelectorAll("form")).filter(
        (form) => form.getAttribute("action") === locator.action,
      )
    : [root];
  for (const form of forms) {
    const candidates = Array.from(form.querySelectorAll(locator.tag)).filter(
      (el) =>
        el.getAttribute("name") === locator.name &&
        el.getAttribute("type") === locator.type &&
        !el.disabled,
    );
    if (candidates.length) return candidates[0];
  }
  return null;
}

function focusable(element) {
  if (!element) return null;
  if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
    element.setAttribute("tabindex", "-1");
  }
  return element;
}

function announce(root) {
  const live = document.getElementById("live-region");
  const message = root.querySelector("[role=status], [role=alert]");
  if (!live || !message) return;
  live.textContent = "";
  // A change the screen reader notices: emptied, then filled on the next frame.
  window.requestAnimationFrame(() => {
    live.textContent = message.textContent.trim();
  });
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const active = document.activeElement;
  swapped = target && target.id && target.contains(active)
    ? { id: target.id, locator: locate(active) }
    : null;
});

document.addEventListener("htmx:afterSettle", () => {
  const was = swapped;
  swapped = null;
  if (!was) return;
  const root = document.getElementById(was.id);
  if (!root) return;
  announce(root);
  if (root.querySelector(".error-summary")) return; // focused on the summary already
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected && root.contains(active)) return;
  let next = null;
  if (root.closest("[data-focus-next]") && !root.querySelector("form")) {
    // Decided: on to the next row that still waits, or stay on this outcome.
    let row = root.nextElementSibling;
    while (row && !row.querySelector("form button")) row = row.nextElementSibling;
    next = row ? row.querySelector("form button") : null;
    next = next || focusable(root.querySelector("[role=status], [role=alert]") || root);
  } else {
    // Refused for a missing comment: straight to the field that needs it.
    next = root.querySelector(".field-error textarea, .field-error input") ||
      find(root, was.locator) || focusable(root);
  }
  next.focus();
});

// Engagements: an event's time is written in its own zone by the server; here it is also
// given in the reader's zone. A <time data-reader-span> (a secondary line) gets its text
// rewritten, a <time data-reader-title> (a list row) its hover title. Without script they
// say the same in UTC.
function readerSpan(start, end) {
  const lang = document.documentElement.lang || undefined;
  const day = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });
  const clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const zoneOf = (moment) => {
    const part = new Intl.DateTimeFormat(lang, { timeZoneName: "short" })
      .formatToParts(moment)
      .find((p) => p.type === "timeZoneName");
    return part ? part.value : "";
  };
  const startZone = zoneOf(start);
  const endZone = zoneOf(end);
  if (day.format(start) === day.format(end)) {
    return startZone === endZone
      ? `${day.format(start)}, ${clock.format(start)}\u2013${clock.format(end)} ${endZone}`
      : `${day.format(start)}, ${clock.format(start)} ${startZone} \u2013 ${clock.format(end)} ${endZone}`;
  }
  return startZone === endZone
    ? `${day.format(start)}, ${clock.format(start)} \u2013 ${day.format(end)}, ${clock.format(end)} ${endZone}`
    : `${day.format(start)}, ${clock.format(start)} ${startZone} \u2013 ${day.format(end)}, ${clock.format(end)} ${endZone}`;
}

function showReaderTimes(root) {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (_error) {
    return;
  }
  root.querySelectorAll("time[data-reader-span], time[data-reader-title]").forEach((element) => {
    if (element.dataset.readerDone) return;
    element.dataset.readerDone = "1";
    const start = new Date(element.getAttribute("datetime"));
    const end = new Date(element.dataset.end);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return;
    const text = readerSpan(start, end);
    if (element.hasAttribute("data-reader-span")) {
      const utc = element.getAttribute("title");
      element.textContent = text;
      element.setAttribute("title", zone ? `${zone}. ${utc}` : utc);
      const label = element.parentElement.querySelector("[data-reader-label]");
      if (label && label.dataset.localLabel) label.textContent = label.dataset.localLabel;
    } else {
      element.setAttribute("title", zone ? `${text} (${zone})` : text);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => showReaderTimes(document));
document.addEventListener("htmx:afterSettle", () => showReaderTimes(document));
