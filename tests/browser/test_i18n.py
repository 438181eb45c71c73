"""The war room in Chinese and English: every page in both languages (by the browser's language and by the
header's switch), no raw message key, no missing message and no English message in the Chinese UI (nor a
Chinese one in the English UI); switching keeps what was typed. Screenshots: test-output/i18n-*.png.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    ROOT,
    Shaped,
    World,
    every_page,
    messages,
    open_page,
    room,
    settle,
    sign_in,
    tab,
)

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People

pytestmark = pytest.mark.browser

OUTPUT = ROOT / "test-output"
PLACEHOLDER = re.compile(r"{{[^}]*}}")
# Every string a person may read: text nodes, the text of elements that mix text and elements
# ("…, clustered <time>: …"), and the attributes shown as tooltips, placeholders and accessible names.
# What people wrote, marked translate="no" (a document's preview), is theirs in any language.
_COLLECT = """
() => {
  const out = [["title", document.title]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text && !node.parentElement.closest("script, style, [translate=no]")) out.push(["text", text]);
  }
  for (const el of document.body.querySelectorAll("*")) {
    for (const name of ["placeholder", "title", "aria-label"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push([name, value.trim()]);
    }
    const mixed = el.children.length > 0 && [...el.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (mixed) out.push(["mixed", el.textContent.replace(/\\s+/g, " ").trim()]);
  }
  return out;
}
"""


@cache
def _keys() -> frozenset[str]:
    """Every key, with and without its plural suffix: none may show as text."""
    keys = set(messages("en")) | set(messages("zh-CN"))
    return frozenset(keys | {re.sub(r"_(one|other)$", "", key) for key in keys})


@cache
def _foreign(language: str) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The other language's messages that must not show in `language`: whole messages, and templates (their
    placeholders filled with anything), whose fixed text has a word of that language."""
    other = "en" if language == "zh-CN" else "zh-CN"
    own = messages(language)
    words = re.compile(r"[A-Za-z]{3,}") if other == "en" else re.compile(r"[\u4e00-\u9fff]{2,}")
    exact: set[str] = set()
    templates: list[re.Pattern[str]] = []
    for key, message in messages(other).items():
        plain = message.strip()
        base = re.sub(r"_(one|other)$", "", key)
        if plain == own.get(key, own.get(f"{base}_other", "")).strip():
            continue  # the same in both languages: "Warroom", "B", "{{kind}} × {{weight}}"
        if not words.search(PLACEHOLDER.sub("", plain)):
            continue  # no word of its own ("H1", "OK"): it could be anything's label
        if not PLACEHOLDER.search(plain):
            exact.add(plain)
        else:
            # A fixed part is a word of its own: "{{count}} day" is not the end of "since Monday".
            parts = [_word(part.strip()) for part in PLACEHOLDER.split(plain)]
            templates.append(re.compile(r"^" + r"\s*.+?\s*".join(parts) + r"$", re.DOTALL))
    return frozenset(exact), tuple(templates)


def _word(fixed: str) -> str:
    """A template's fixed text as a pattern that does not match inside a longer Latin word."""
    if not fixed:
        return ""
    return rf"(?<![A-Za-z]){re.escape(fixed)}(?![A-Za-z])"


def check(page: Page, language: str, name: str, screenshot: Callable[[Page, str], Path]) -> None:
    """Fails when the page shows a raw key, misses a message or shows the other language's messages."""
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", language)
    missing = page.evaluate("window.__i18nMissing ?? []")
    assert missing == [], f"{name} ({language}): messages missing: {missing}"
    exact, templates = _foreign(language)
    problems: list[str] = []
    texts: list[tuple[str, str]] = page.evaluate(_COLLECT)
    for kind, text in texts:
        if text in _keys() or re.fullmatch(r"[a-z][A-Za-z]*(\.[A-Za-z0-9_]+)+", text):
            problems.append(f"raw key in {kind}: {text!r}")
        elif "{{" in text:
            problems.append(f"unfilled placeholder in {kind}: {text!r}")
        elif text in exact or any(template.match(text) for template in templates):
            problems.append(f"{'English' if language == 'zh-CN' else 'Chinese'} message in {kind}: {text!r}")
    assert problems == [], f"{name} ({language}): {sorted(set(problems))}"
    screenshot(page, f"i18n-{language}-{name}")
    if language == "zh-CN":
        _note_latin(name, texts)


def _note_latin(name: str, texts: list[tuple[str, str]]) -> None:
    """For a person reviewing the translation: what the Chinese page shows in Latin script (names, emails,
    the server's own words, "SVG"...), one file per page in test-output/."""
    latin = sorted({f"{kind}: {text}" for kind, text in texts if re.search(r"[A-Za-z]{3,}", text)})
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"i18n-zh-CN-{name}-latin.txt").write_text("\n".join(latin) + "\n", encoding="utf-8")


# The first test to run clusters the proposals team (the shaped fixture) with the real model.
@pytest.mark.timeout(300)
@pytest.mark.parametrize(("language", "locale"), [("zh-CN", "zh-CN"), ("en", "en-US")])
def test_every_page_speaks_the_browsers_language(
    new_page: Callable[..., Page],
    world: World,
    shaped: Shaped,
    screenshot: Callable[[Page, str], Path],
    language: str,
    locale: str,
) -> None:
    every_page(
        new_page, world, shaped, language, locale, lambda page, name: check(page, language, name, screenshot)
    )


@pytest.mark.parametrize(
    ("locale", "language"),
    [("zh-TW", "zh-CN"), ("zh", "zh-CN"), ("en-GB", "en"), ("fr-FR", "en"), ("ja-JP", "en")],
)
def test_chinese_browsers_get_chinese_and_the_others_english(
    new_page: Callable[..., Page], locale: str, language: str
) -> None:
    page = open_page(new_page, locale)
    page.goto("/#/signin")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("[data-testid=language-switch] [aria-pressed=true]")).to_have_attribute(
        "data-lang", language
    )


def _switch(page: Page, language: str) -> None:
    page.locator(f"[data-testid=language-switch] [data-lang={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _both_ways(page: Page, name: str, shot: Callable[[Page, str], Path]) -> None:
    """The page as it is in English, then switched to Chinese from the header, then back."""
    check(page, "en", f"switched-{name}", shot)
    _switch(page, "zh-CN")
    check(page, "zh-CN", f"switched-{name}", shot)
    _switch(page, "en")
    check(page, "en", f"switched-back-{name}", shot)


@pytest.mark.timeout(300)
def test_the_header_switch_renders_each_page_in_the_other_language_and_is_remembered(
    new_page: Callable[..., Page], world: World, shaped: Shaped, screenshot: Callable[[Page, str], Path]
) -> None:
    page = open_page(new_page, "en-US")
    page.goto("/#/signin")
    _both_ways(page, "signin", screenshot)
    sign_in(page, world.owner)
    for name, path in (
        ("cases", "/#/cases"),
        ("wallet", "/#/wallet"),
        ("inbox", "/#/inbox"),
        ("account", "/#/account"),
        ("knowledge", "/#/knowledge"),
        ("not-found", "/#/x"),
        ("contribution-full", f"/#/cases/{world.case_id}/contribution"),
        ("compare", f"/#/cases/{world.case_id}/compare"),
    ):
        page.goto(path)
        _both_ways(page, name, screenshot)
    room(page, world)
    for name in ("comments", "versions", "pain-points", "contribution", "materials"):
        tab(page, name)
        _switch(page, "zh-CN")
        expect(page.locator(f"#tab-{name}")).to_have_attribute("aria-selected", "true")
        check(page, "zh-CN", f"switched-warroom-{name}", screenshot)
        _switch(page, "en")
        check(page, "en", f"switched-warroom-{name}", screenshot)
    for person, name, path in (
        (world.rd, "clusters", "/#/clusters"),
        (shaped.rd, "proposals", "/#/proposals"),
        (shaped.rd, "proposal", f"/#/proposals/{shaped.proposal_id}"),
        (world.hr, "hr", "/#/hr"),
        (world.finance, "approvals", "/#/hr"),
    ):
        other = open_page(new_page, "en-US")
        sign_in(other, person)
        other.goto(path)
        _both_ways(other, name, screenshot)

    # The choice outlives a reload.
    _switch(page, "zh-CN")
    page.reload()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    check(page, "zh-CN", "switched-reloaded", screenshot)


def test_switching_language_in_the_war_room_keeps_what_is_being_typed(
    new_page: Callable[..., Page], world: World, people: People, api: Api
) -> None:
    page = open_page(new_page, "en-US")
    sign_in(page, world.owner)
    room(page, world)
    draft = f"草稿 {uuid.uuid4().hex[:6]}：客户希望下周签约"
    editor = page.get_by_test_id("editor").locator(".ProseMirror")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(draft)

    tab(page, "pain-points")
    page.get_by_test_id("pain-point-form").locator("textarea[name=text]").fill("发票抬头总是填错")
    tab(page, "comments")
    page.get_by_test_id("comment-case").click()
    page.get_by_test_id("new-comment").locator("textarea").fill("整体方案需要法务再看一遍")
    thread = page.get_by_test_id("comment-thread").filter(
        has=page.locator(f'[data-comment-id="{world.thread_id}"]')
    )
    thread.locator(".thread-actions button").first.click()  # reply
    thread.get_by_test_id("reply-composer").locator("textarea").fill("好的，我来约时间")

    _switch(page, "zh-CN")
    expect(editor).to_contain_text(draft)
    expect(page.locator("#tab-comments")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("new-comment").locator("textarea")).to_have_value("整体方案需要法务再看一遍")
    expect(page.get_by_test_id("new-comment").locator("textarea")).to_have_attribute(
        "placeholder", re.compile("评论")
    )
    expect(thread.get_by_test_id("reply-composer").locator("textarea")).to_have_value("好的，我来约时间")
    expect(page.get_by_test_id("pain-point-form").locator("textarea[name=text]")).to_have_value(
        "发票抬头总是填错"
    )
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")

    # The document stayed live through the switch: the text typed before it reaches the server and others.
    other = open_page(new_page, "en-US")
    sign_in(other, world.owner)
    room(other, world)
    expect(other.get_by_test_id("editor")).to_contain_text(draft)
