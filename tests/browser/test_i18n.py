"""The war room in Chinese and English: every page in both languages (by the browser's language and by the
header's switch), no raw message key, no missing message and no English message in the Chinese UI (nor a
Chinese one in the English UI); switching keeps what was typed. Screenshots: test-output/i18n-*.png.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from server.domain.demo import team as demo

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "frontend" / "src" / "i18n" / "locales"
OUTPUT = ROOT / "test-output"
PLACEHOLDER = re.compile(r"{{[^}]*}}")
# Sends, reads and the rendering that follows them: a page is checked once none is under way.
_COUNT_REQUESTS = """
(() => {
  let pending = 0;
  const settle = () => setTimeout(() => { pending--; }, 0);
  const fetch = window.fetch.bind(window);
  window.fetch = (...args) => { pending++; return fetch(...args).finally(settle); };
  const json = Response.prototype.json;
  Response.prototype.json = function () { pending++; return json.call(this).finally(settle); };
  window.__pendingRequests = () => pending;
})();
"""
# Every string a person may read: text nodes, the text of elements that mix text and elements
# ("Clustered <time> · …"), and the attributes shown as tooltips, placeholders and accessible names.
_COLLECT = """
() => {
  const out = [["title", document.title]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text && !node.parentElement.closest("script, style")) out.push(["text", text]);
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


def _leaves(tree: dict[str, object], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", str(value)


@cache
def _messages(language: str) -> dict[str, str]:
    return dict(_leaves(json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))))


@cache
def _keys() -> frozenset[str]:
    """Every key, with and without its plural suffix: none may show as text."""
    keys = set(_messages("en")) | set(_messages("zh-CN"))
    return frozenset(keys | {re.sub(r"_(one|other)$", "", key) for key in keys})


@cache
def _foreign(language: str) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The other language's messages that must not show in `language`: whole messages, and templates (their
    placeholders filled with anything), whose fixed text has a word of that language."""
    other = "en" if language == "zh-CN" else "zh-CN"
    own = _messages(language)
    words = re.compile(r"[A-Za-z]{3,}") if other == "en" else re.compile(r"[\u4e00-\u9fff]{2,}")
    exact: set[str] = set()
    templates: list[re.Pattern[str]] = []
    for key, message in _messages(other).items():
        plain = message.strip()
        base = re.sub(r"_(one|other)$", "", key)
        if plain == own.get(key, own.get(f"{base}_other", "")).strip():
            continue  # the same in both languages: "Warroom", "B", "{{kind}} × {{weight}}"
        if not words.search(PLACEHOLDER.sub("", plain)):
            continue  # no word of its own ("H1", "OK"): it could be anything's label
        if not PLACEHOLDER.search(plain):
            exact.add(plain)
        else:
            parts = [re.escape(part.strip()) for part in PLACEHOLDER.split(plain)]
            templates.append(re.compile(r"^" + r"\s*.+?\s*".join(parts) + r"$", re.DOTALL))
    return frozenset(exact), tuple(templates)


def check(page: Page, language: str, name: str, screenshot: Callable[[Page, str], Path]) -> None:
    """Fails when the page shows a raw key, misses a message or shows the other language's messages."""
    page.wait_for_function("() => window.__pendingRequests && window.__pendingRequests() === 0")
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


def _demo(people: People, email: str) -> Person:
    """A person of the demo team the server seeds: bilingual data, finance and HR among them."""
    found = next(p for p in demo.PEOPLE if p.email == email)
    return replace(
        people.alice,
        email=found.email,
        name=found.name,
        password=demo.PASSWORD,
        role=found.role.value,
        team=demo.TEAM,
    )


@dataclass(frozen=True)
class World:
    """What the pages show: a case with comments, versions and pain points; points, a reward, approvals."""

    owner: Person
    hr: Person
    finance: Person
    rd: Person
    case_id: str
    thread_id: str
    legal: Person


@pytest.fixture(scope="module")
def world(api: Api, people: People) -> World:
    alice, bob, sam, hana, zhou, rita = (
        _demo(people, f"{name}@demo.warroom") for name in ("alice", "bob", "sam", "hana", "zhou", "rita")
    )
    suffix = uuid.uuid4().hex[:6]
    case_id = api.create_case(alice, f"华东物流续约 {suffix}", "华东物流", {bob: "EDITOR"})
    thread = api.call(alice, "AddComment", input={"caseId": case_id, "body": "报价里的运费谁来确认？"})[
        "addComment"
    ]
    api.call(bob, "ReplyToComment", commentId=thread["id"], body="我来，周四前给答复。")
    done = api.call(bob, "AddComment", input={"caseId": case_id, "body": "合同模板已更新。"})["addComment"]
    api.call(alice, "ResolveComment", commentId=done["id"])
    api.call(alice, "CreateSnapshot", caseId=case_id, label="发给客户的版本")
    material = api.upload_material(alice, case_id, "运费报价.txt", "运费报价：联系人 13812345678\n".encode())
    api.call(bob, "RequestMaterialAccess", materialId=material, reason="核对报价原文")
    for text in ("退款一直没到账，客户等了两周", "[图片]"):  # one accepted, one refused (a ticket to correct)
        pain_point = {
            "caseId": case_id,
            "text": text,
            "customer": "华东物流",
            "product": "支付",
            "tags": ["退款"],
        }
        api.call(alice, "SubmitPainPoint", input=pain_point)
    api.call(
        alice, "RecordOrderWon", caseId=case_id, amount="120000", painPointIds=[], reference=f"SO-{suffix}"
    )
    api.call(hana, "AdjustPoints", userId=api.user_id(alice), delta=300, reason="季度优秀贡献")
    # Large: it waits for another HR person's approval.
    api.call(hana, "AdjustPoints", userId=api.user_id(sam), delta=2000, reason="年度供应链奖")
    reward = api.call(
        hana,
        "CreateReward",
        input={"name": f"领导力课程 {suffix}", "kind": "TRAINING", "cost": 100, "stock": 5},
    )
    api.call(alice, "RedeemReward", rewardId=reward["createReward"]["id"])
    return World(alice, hana, zhou, rita, case_id, thread["id"], people.legal)


def _open(new_page: Callable[..., Page], locale: str) -> Page:
    page = new_page(locale)
    page.add_init_script(_COUNT_REQUESTS)
    return page


def _sign_in(page: Page, person: Person) -> None:
    """Through the form, found by its fields' names (its labels are in the browser's language)."""
    page.goto("/#/signin")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("form.signin-form button[type=submit]").click()
    expect(page.get_by_test_id("whoami")).to_have_text(person.name)


def _room(page: Page, world: World) -> None:
    page.goto(f"/#/cases/{world.case_id}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")


def _tab(page: Page, tab: str) -> None:
    page.locator(f"#tab-{tab}").click()
    expect(page.locator(f"#panel-{tab}")).to_be_visible()


def _war_room_pages(page: Page, world: World, language: str, shot: Callable[[Page, str], Path]) -> None:
    _room(page, world)
    expect(page.get_by_test_id("threads-open").get_by_test_id("comment-thread")).to_have_count(1)
    page.locator("details.thread-group summary").click()  # the resolved thread
    check(page, language, "warroom-comments", shot)
    page.get_by_test_id("members-button").click()
    expect(page.locator("dialog.members-dialog")).to_be_visible()
    check(page, language, "warroom-members", shot)
    page.keyboard.press("Escape")
    _tab(page, "versions")
    version = page.get_by_test_id("version").filter(has_text="发给客户的版本")
    version.locator(".version-actions button").nth(1).click()  # compare with now
    expect(version.get_by_test_id("diff")).to_be_visible()
    check(page, language, "warroom-versions", shot)
    version.locator(".version-actions button").nth(2).click()  # restore: the confirmation
    expect(page.get_by_test_id("restore-dialog")).to_be_visible()
    check(page, language, "warroom-restore", shot)
    page.keyboard.press("Escape")
    _tab(page, "pain-points")
    expect(page.get_by_test_id("pain-point")).to_have_count(1)
    expect(page.get_by_test_id("ticket")).to_have_count(1)
    check(page, language, "warroom-painpoints", shot)
    _tab(page, "contribution")
    expect(page.get_by_test_id("contribution-heatmap")).to_be_visible()
    check(page, language, "warroom-contribution", shot)
    _tab(page, "materials")
    expect(page.get_by_test_id("material-summary")).to_contain_text("138****5678")
    expect(page.get_by_test_id("material-request")).to_have_count(1)
    check(page, language, "warroom-materials", shot)


def _every_page(
    new_page: Callable[..., Page], world: World, language: str, locale: str, shot: Callable[[Page, str], Path]
) -> None:
    anonymous = _open(new_page, locale)
    anonymous.goto("/#/signin")
    expect(anonymous.locator("button.demo-login").first).to_be_visible()
    check(anonymous, language, "signin", shot)
    anonymous.locator("input[name=email]").fill(world.owner.email)
    anonymous.locator("input[name=password]").fill("not the password")
    anonymous.locator("form.signin-form button[type=submit]").click()
    # The server's UNAUTHENTICATED, said by the sign-in form in the page's language (English: the server's words).
    wrong = _messages(language)["errors.signin.UNAUTHENTICATED"].replace(
        "{{server}}", "Wrong email or password."
    )
    expect(anonymous.get_by_role("alert")).to_have_text(wrong)
    check(anonymous, language, "signin-refused", shot)

    owner = _open(new_page, locale)
    _sign_in(owner, world.owner)
    expect(owner.locator("a.case-link").first).to_be_visible()
    check(owner, language, "cases", shot)
    _war_room_pages(owner, world, language, shot)
    owner.goto("/#/wallet")
    expect(owner.get_by_test_id("redemption")).not_to_have_count(0)
    check(owner, language, "wallet", shot)
    owner.get_by_test_id("reward").first.locator("button").click()  # redeem: the confirmation
    expect(owner.get_by_role("dialog")).to_be_visible()
    check(owner, language, "wallet-redeem", shot)
    owner.keyboard.press("Escape")
    owner.goto("/#/account")
    check(owner, language, "account", shot)
    owner.goto("/#/nowhere")
    check(owner, language, "not-found", shot)

    rd = _open(new_page, locale)
    _sign_in(rd, world.rd)
    rd.goto("/#/clusters")
    expect(rd.get_by_test_id("cluster-run")).not_to_be_empty()
    check(rd, language, "clusters", shot)

    hr = _open(new_page, locale)
    _sign_in(hr, world.hr)
    hr.goto("/#/hr")
    expect(hr.get_by_test_id("pending-adjustment")).not_to_have_count(0)
    expect(hr.get_by_test_id("redemption")).not_to_have_count(0)
    expect(hr.get_by_test_id("point-rule")).not_to_have_count(0)
    check(hr, language, "hr", shot)

    finance = _open(new_page, locale)
    _sign_in(finance, world.finance)
    finance.goto("/#/hr")
    expect(finance.get_by_test_id("pending-order")).not_to_have_count(0)
    check(finance, language, "approvals", shot)

    legal = _open(new_page, locale)
    _sign_in(legal, world.legal)
    legal.goto("/#/access-requests")
    expect(legal.get_by_test_id("access-requests").locator("li")).not_to_have_count(0)
    check(legal, language, "access-requests", shot)


@pytest.mark.parametrize(("language", "locale"), [("zh-CN", "zh-CN"), ("en", "en-US")])
def test_every_page_speaks_the_browsers_language(
    new_page: Callable[..., Page],
    world: World,
    screenshot: Callable[[Page, str], Path],
    language: str,
    locale: str,
) -> None:
    _every_page(new_page, world, language, locale, screenshot)


@pytest.mark.parametrize(
    ("locale", "language"),
    [("zh-TW", "zh-CN"), ("zh", "zh-CN"), ("en-GB", "en"), ("fr-FR", "en"), ("ja-JP", "en")],
)
def test_chinese_browsers_get_chinese_and_the_others_english(
    new_page: Callable[..., Page], locale: str, language: str
) -> None:
    page = _open(new_page, locale)
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


def test_the_header_switch_renders_each_page_in_the_other_language_and_is_remembered(
    new_page: Callable[..., Page], world: World, screenshot: Callable[[Page, str], Path]
) -> None:
    page = _open(new_page, "en-US")
    page.goto("/#/signin")
    _both_ways(page, "signin", screenshot)
    _sign_in(page, world.owner)
    for name, path in (
        ("cases", "/#/cases"),
        ("wallet", "/#/wallet"),
        ("account", "/#/account"),
        ("not-found", "/#/x"),
    ):
        page.goto(path)
        _both_ways(page, name, screenshot)
    _room(page, world)
    for tab in ("comments", "versions", "pain-points", "contribution", "materials"):
        _tab(page, tab)
        _switch(page, "zh-CN")
        expect(page.locator(f"#tab-{tab}")).to_have_attribute("aria-selected", "true")
        check(page, "zh-CN", f"switched-warroom-{tab}", screenshot)
        _switch(page, "en")
        check(page, "en", f"switched-warroom-{tab}", screenshot)
    for person, name, path in (
        (world.rd, "clusters", "/#/clusters"),
        (world.hr, "hr", "/#/hr"),
        (world.finance, "approvals", "/#/hr"),
    ):
        other = _open(new_page, "en-US")
        _sign_in(other, person)
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
    page = _open(new_page, "en-US")
    _sign_in(page, world.owner)
    _room(page, world)
    draft = f"草稿 {uuid.uuid4().hex[:6]}：客户希望下周签约"
    editor = page.get_by_test_id("editor").locator(".ProseMirror")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(draft)

    _tab(page, "pain-points")
    page.get_by_test_id("pain-point-form").locator("textarea[name=text]").fill("发票抬头总是填错")
    _tab(page, "comments")
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
    other = _open(new_page, "en-US")
    _sign_in(other, world.owner)
    _room(other, world)
    expect(other.get_by_test_id("editor")).to_contain_text(draft)
