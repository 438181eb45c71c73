"""axe-core (tests/browser/js) run in a page: the violations a person relying on a screen reader or the
keyboard would meet, as readable lines."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.support.js_packages import ensure_installed

JS_DIR = Path(__file__).resolve().parent / "js"
SERIOUS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return (ensure_installed(JS_DIR) / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


# Injected by evaluate, not by a <script> tag: the server's Content-Security-Policy (rightly) refuses inline
# scripts, and every violation fails the test.
_RUN = """
async (exclude) => {
  const result = await window.axe.run(
    { include: [document], exclude: exclude.map((selector) => [selector]) },
    { resultTypes: ["violations"] },
  );
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.filter((n) => n.impact === "serious" || n.impact === "critical").map((n) => ({
      target: n.target.join(" "),
      summary: n.failureSummary,
    })),
  }));
}
"""


def serious_violations(page: Page, exclude: tuple[str, ...] = ()) -> list[str]:
    """The serious and critical axe violations of the page as it is now, one line per element
    ("rule: help — selector: why"); `exclude` leaves out elements (each one with its reason where it is given)."""
    # Once per document: axe holds the document it was loaded in (an SPA keeps its one; goto starts a new one).
    if not page.evaluate("window.__axeDocument === document"):
        page.evaluate(_axe_source())
        page.evaluate("window.__axeDocument = document")
    violations: list[dict[str, Any]] = page.evaluate(_RUN, list(exclude))
    return [
        f"{v['id']}: {v['help']} — {node['target']}: {' '.join(node['summary'].split())}"
        for v in violations
        if v["impact"] in SERIOUS
        for node in v["nodes"]
    ]


# The controls a keyboard must reach: inside the open modal dialog if there is one (the rest is inert), else in
# the whole page; shown, enabled and in the tab order. A radio group is one stop (its checked radio; arrows move
# within it), as is a tab list (its selected tab, by roving tabindex, which tabIndex already reflects).
_MARK_CONTROLS = """
() => {
  const modal = [...document.querySelectorAll("dialog[open]")].find((d) => d.matches(":modal"));
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]';
  const controls = [...(modal ?? document.body).querySelectorAll(selector)].filter((el) =>
    !el.disabled && el.tabIndex >= 0 && !el.closest("[inert]") &&
    el.checkVisibility({ visibilityProperty: true }) && !(el.type === "radio" && !el.checked));
  window.__reached = new Set();
  if (!window.__noteFocus) {
    window.__noteFocus = (event) => { if (event.target.dataset?.kb) window.__reached.add(event.target.dataset.kb); };
    document.addEventListener("focusin", window.__noteFocus, true);
  }
  document.querySelectorAll("[data-kb]").forEach((el) => el.removeAttribute("data-kb"));
  controls.forEach((el, i) => { el.dataset.kb = String(i); });
  return controls.length;
}
"""
_UNREACHED = """
() => [...document.querySelectorAll("[data-kb]")].filter((el) => !window.__reached.has(el.dataset.kb)).map((el) => {
  const name = el.getAttribute("aria-label") || el.textContent.trim().slice(0, 40) || el.getAttribute("name") || "";
  const id = el.id ? `#${el.id}` : "";
  const testid = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : "";
  return `${el.tagName.toLowerCase()}${id}${testid}${el.className ? "." + String(el.className).split(" ").join(".") : ""} "${name}"`;
})
"""


def unreachable_by_keyboard(page: Page) -> list[str]:
    """The controls of the page that pressing Tab (round the whole page, twice at most) never focuses."""
    count: int = page.evaluate(_MARK_CONTROLS)
    for press in range(2 * count + 10):
        page.keyboard.press("Tab")
        if press % 20 == 19 and page.evaluate("window.__reached.size") >= count:
            break
    unreached: list[str] = page.evaluate(_UNREACHED)
    return unreached
