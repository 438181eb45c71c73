"""Accessibility: axe-core (tests/browser/js) finds no serious or critical violation on any page, in Chinese and
in English, with each side-panel tab and dialog of the war room open (the walk of pages.py, as test_i18n.py);
Tab reaches every control of every page (in English: the order does not depend on the language); every page
fits a 1024 px wide window without scrolling sideways."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.browser.a11y import serious_violations, unreachable_by_keyboard
from tests.browser.pages import Shaped, World, every_page, settle

pytestmark = pytest.mark.browser


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("language", "locale"), [("zh-CN", "zh-CN"), ("en", "en-US")])
def test_no_page_has_a_serious_or_critical_violation(
    new_page: Callable[..., Page], world: World, shaped: Shaped, language: str, locale: str
) -> None:
    found: dict[str, list[str]] = {}

    def look(page: Page, name: str) -> None:
        settle(page)
        if violations := serious_violations(page):
            found[name] = violations
        if language == "en" and (unreached := unreachable_by_keyboard(page)):
            found[name] = [
                *found.get(name, []),
                *(f"not reachable by Tab: {control}" for control in unreached),
            ]

    every_page(new_page, world, shaped, language, locale, look)
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())
    assert not found, f"axe ({language}), serious or critical:\n{report}"


# The elements that reach past the window's right edge (not inside something that scrolls on its own).
_OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    if (el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1) continue;
    out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} reaches ${Math.round(box.right)} px`);
  }
  return out.length ? out : [`the page is ${document.documentElement.scrollWidth} px wide`];
}
"""


@pytest.mark.timeout(300)
def test_every_page_fits_a_1024_px_window(
    new_page: Callable[..., Page], world: World, shaped: Shaped
) -> None:
    found: dict[str, list[str]] = {}

    def look(page: Page, name: str) -> None:
        page.set_viewport_size({"width": 1024, "height": 768})
        settle(page)
        if overflowing := page.evaluate(_OVERFLOWING):
            found[name] = overflowing

    every_page(new_page, world, shaped, "en", "en-US", look)
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())
    assert not found, f"wider than 1024 px:\n{report}"


def test_the_checks_find_what_they_look_for(new_page: Callable[..., Page]) -> None:
    """An image without a text alternative is critical for axe; a field that keeps Tab hides what follows it."""
    page = new_page()
    page.set_content(
        '<main><h1>x</h1><img src="data:,"><input aria-label="trap"'
        " onkeydown=\"if (event.key === 'Tab') event.preventDefault()\"><button>after</button></main>"
    )
    assert any(line.startswith("image-alt:") for line in serious_violations(page))
    assert unreachable_by_keyboard(page) == ['button "after"']
    page = new_page()
    page.set_content(
        '<html lang="en"><head><title>x</title></head><body><main><h1>x</h1>'
        '<img src="data:," alt="x"><input aria-label="a"><button>after</button></main></body></html>'
    )
    assert serious_violations(page) == []
    assert unreachable_by_keyboard(page) == []
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.evaluate(_OVERFLOWING) == []
    page.evaluate(
        "() => { const wide = document.createElement('div'); wide.className = 'wide';"
        " wide.style.width = '1500px'; wide.style.height = '1em'; document.querySelector('main').append(wide); }"
    )
    assert [line.split(" reaches ")[0] for line in page.evaluate(_OVERFLOWING)] == ["div.wide"]
