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
