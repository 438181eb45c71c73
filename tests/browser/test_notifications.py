"""Notifications in the browser: the header's bell counts unread ones live, the inbox lists them and opens
what each is about (a comment thread opens in its case, an adopted pain point its case's pain points, a
decided redemption the wallet), one or all are marked read; a notification made while the live socket is down
(before it first connects, or during a reconnect) still reaches the bell."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

from tests.browser.editor import editor, select_text
from tests.browser.pages import demo_person

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000  # a notification reaches the other browser within a few seconds
# graphql-ws waits 1.3–4 s before its first retry, twice that before the next.
RECONNECT_MS = 20_000


def _bell(page: Page) -> Locator:
    return page.get_by_test_id("bell")


def _mention(api: Api, author: Person, case_id: str, whom: Person, body: str) -> dict[str, object]:
    """A comment on the whole case by `author` that mentions `whom` (the server's mention markup)."""
    markup = f"{body} @[{whom.name}]({api.user_id(whom)})"
    return dict(api.call(author, "AddComment", input={"caseId": case_id, "body": markup})["addComment"])


def _nothing_unread(api: Api, person: Person) -> None:
    # The server lives for the whole session: other tests may have notified this person.
    api.call(person, "MarkAllNotificationsRead")


def test_a_mention_rings_the_bell_live_and_the_inbox_opens_its_thread(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "华东冷链续约", "华东冷链", {people.mei: "EDITOR"})
    _nothing_unread(api, people.mei)
    mei = signed_in(people.mei)
    bell = _bell(mei)
    expect(bell).to_have_attribute("data-live", "true")
    expect(bell).to_have_attribute("data-count", "0")
    expect(bell).to_have_accessible_name("Notifications, none unread")
    expect(mei.get_by_test_id("bell-count")).to_be_hidden()
    mei.evaluate("window.__sameDocument = true")

    # Alice comments on a passage in Chinese and mentions Mei through the autocomplete.
    alice = war_room(people.alice, case_id)
    editor(alice).click()
    alice.keyboard.type("交付必须在收割季之前完成。")
    select_text(alice, "收割季")
    alice.get_by_test_id("comment-selection").click()
    box = alice.get_by_test_id("new-comment").locator("textarea")
    box.type("这个日期能保证吗？@李")
    expect(alice.get_by_role("option", name=people.mei.name)).to_be_visible()
    box.press("Enter")
    alice.get_by_test_id("new-comment").get_by_role("button", name="Comment").click()
    thread = alice.get_by_test_id("threads-open").get_by_test_id("comment-thread").filter(has_text="这个日期")
    expect(thread).to_have_count(1)
    thread_id = thread.get_attribute("data-thread-id")

    # Mei's bell rings without a reload.
    expect(bell).to_have_attribute("data-count", "1", timeout=LIVE_MS)
    expect(mei.get_by_test_id("bell-count")).to_have_text("1")
    expect(bell).to_have_accessible_name("Notifications, 1 unread")
    assert mei.evaluate("window.__sameDocument") is True

    # The bell is a link the keyboard reaches; the inbox shows who, what, where and when, marked unread.
    bell.focus()
    mei.keyboard.press("Enter")
    expect(mei.get_by_role("heading", name="Notifications")).to_be_visible()
    item = mei.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-kind", "MENTION")
    expect(item).to_have_attribute("data-unread", "true")
    expect(item).to_contain_text(f"{people.alice.name} mentioned you in 华东冷链续约")
    expect(item.locator(".notification-quote")).to_have_text("收割季")
    expect(item.locator(".notification-body")).to_have_text(f"这个日期能保证吗？@{people.mei.name}")
    expect(item.locator("time")).to_have_text(re.compile(r"now|second"))
    expect(item.get_by_test_id("unread-mark")).to_have_text("Unread")
    expect(mei.get_by_test_id("inbox-unread")).to_have_text("1 unread notification")
    screenshot(mei, "inbox")

    # A click opens the case with the thread open and its passage lit; the count falls.
    item.get_by_test_id("notification-open").click()
    expect(mei).to_have_url(re.compile(rf"#/cases/{case_id}\?thread={thread_id}$"))
    expect(mei.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    opened = mei.locator(f'[data-testid="comment-thread"][data-thread-id="{thread_id}"]')
    expect(opened).to_have_class(re.compile(r"\bthread-active\b"))
    expect(opened).to_be_focused()
    expect(mei.locator(".comment-highlight-active")).to_have_text("收割季")
    expect(mei.locator("#tab-comments")).to_have_attribute("aria-selected", "true")
    expect(_bell(mei)).to_have_attribute("data-count", "0", timeout=LIVE_MS)
    screenshot(mei, "inbox-opened-thread")

    # Two more; one marked read on its own, then all.
    _mention(api, people.alice, case_id, people.mei, "报价单已更新，请确认。")
    _mention(api, people.alice, case_id, people.mei, "客户周四来访。")
    expect(_bell(mei)).to_have_attribute("data-count", "2", timeout=LIVE_MS)
    _bell(mei).click()
    unread = mei.locator('[data-testid="notification"][data-unread="true"]')
    expect(unread).to_have_count(2)
    expect(mei.get_by_test_id("notification")).to_have_count(3)
    unread.filter(has_text="客户周四来访").get_by_role("button", name=re.compile("^Mark read")).click()
    expect(unread).to_have_count(1)
    expect(_bell(mei)).to_have_attribute("data-count", "1", timeout=LIVE_MS)
    mei.get_by_test_id("mark-all-read").click()
    expect(unread).to_have_count(0)
    expect(_bell(mei)).to_have_attribute("data-count", "0", timeout=LIVE_MS)
    expect(mei.get_by_test_id("bell-count")).to_be_hidden()
    expect(mei.get_by_test_id("inbox-unread")).to_have_text("You have read everything.")
    expect(mei.get_by_test_id("mark-all-read")).to_be_hidden()
    mei.get_by_test_id("unread-only").check()
    expect(mei.get_by_test_id("notifications")).to_have_text("Nothing unread.")

    # While the inbox is open, a new one shows at once, in Chinese as it was written.
    mei.get_by_test_id("unread-only").uncheck()
    _mention(api, people.alice, case_id, people.mei, "合同已盖章。")
    expect(unread).to_have_count(1, timeout=LIVE_MS)
    expect(unread).to_contain_text("合同已盖章。")


class _Gate:
    """The page's GraphQL socket through Playwright: let through, or refused and dropped while shut."""

    def __init__(self) -> None:
        self.shut = False
        self.open: list[WebSocketRoute] = []

    def route(self, ws: WebSocketRoute) -> None:
        if self.shut:
            ws.close(code=1012, reason="test: the server is away")
            return
        ws.connect_to_server()
        self.open.append(ws)

    def drop(self) -> None:
        self.shut = True
        for ws in self.open:
            ws.close(code=1012, reason="test: the server went away")
        self.open.clear()


def test_a_notification_made_while_the_socket_is_down_reaches_the_bell(
    api: Api, people: People, new_page: Callable[..., Page]
) -> None:
    case_id = api.create_case(people.alice, "Reconnect case", "Acme", {people.mei: "COMMENTER"})
    _nothing_unread(api, people.mei)
    gate = _Gate()
    gate.shut = True  # the first connection is refused: the subscription has not started yet
    mei = new_page()
    mei.route_web_socket(re.compile(r"/graphql$"), gate.route)
    mei.goto("/#/signin")
    mei.get_by_label("Email").fill(people.mei.email)
    mei.get_by_label("Password").fill(people.mei.password)
    mei.get_by_role("button", name="Sign in").click()
    bell = _bell(mei)
    expect(bell).to_have_attribute("data-count", "0")
    expect(bell).to_have_attribute("data-live", "false")

    _mention(api, people.alice, case_id, people.mei, "在订阅开始之前：请看报价。")
    expect(bell).to_have_attribute("data-count", "0")  # no socket, no event
    gate.shut = False
    expect(bell).to_have_attribute("data-count", "1", timeout=RECONNECT_MS)
    expect(bell).to_have_attribute("data-live", "true")

    # The socket drops; a notification made meanwhile is counted once it is back.
    gate.drop()
    expect(bell).to_have_attribute("data-live", "false")
    _mention(api, people.alice, case_id, people.mei, "断线期间：交期改到下周。")
    expect(bell).to_have_attribute("data-count", "1")
    gate.shut = False
    expect(bell).to_have_attribute("data-count", "2", timeout=RECONNECT_MS)
    expect(bell).to_have_attribute("data-live", "true")

    # Live again: the next one arrives by its event.
    _mention(api, people.alice, case_id, people.mei, "恢复之后：已确认。")
    expect(bell).to_have_attribute("data-count", "3", timeout=LIVE_MS)


def test_after_signing_out_the_bell_follows_whoever_signs_in_next_in_the_tab(
    api: Api, people: People, signed_in: Callable[[Person], Page]
) -> None:
    case_id = api.create_case(
        people.alice, "Shared laptop", "Acme", {people.mei: "EDITOR", people.victor: "VIEWER"}
    )
    _nothing_unread(api, people.mei)
    _nothing_unread(api, people.victor)
    page = signed_in(people.mei)
    expect(_bell(page)).to_have_attribute("data-live", "true")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(people.victor.email)
    page.get_by_label("Password").fill(people.victor.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("whoami")).to_have_text(people.victor.name)
    expect(_bell(page)).to_have_attribute("data-live", "true", timeout=LIVE_MS)

    # His own ring his bell (two), Mei's (one, last) does not: a socket still hers would show 1.
    _mention(api, people.alice, case_id, people.victor, "Victor, please read the offer.")
    _mention(api, people.alice, case_id, people.victor, "维克多，请看报价。")
    expect(_bell(page)).to_have_attribute("data-count", "2", timeout=LIVE_MS)
    _mention(api, people.alice, case_id, people.mei, "只给李梅。")
    page.get_by_test_id("bell").click()
    # Unread: his two (other tests of the session may have notified him before, all marked read above).
    unread = page.locator('[data-testid="notification"][data-unread="true"]')
    expect(unread).to_have_count(2)
    expect(unread.first).to_contain_text("维克多，请看报价。")
    expect(_bell(page)).to_have_attribute("data-count", "2")


def test_a_link_to_a_resolved_thread_unfolds_it_and_a_tab_link_opens_the_tab(
    api: Api, people: People, signed_in: Callable[[Person], Page]
) -> None:
    case_id = api.create_case(people.alice, "Deep links", "Acme", {people.mei: "EDITOR"})
    done = api.call(people.alice, "AddComment", input={"caseId": case_id, "body": "运费已确认。"})[
        "addComment"
    ]
    api.call(people.mei, "ResolveComment", commentId=done["id"])
    api.call(people.alice, "AddComment", input={"caseId": case_id, "body": "Still open."})

    page = signed_in(people.mei)
    page.goto(f"/#/cases/{case_id}?thread={done['id']}")
    thread = page.locator(f'[data-testid="comment-thread"][data-thread-id="{done["id"]}"]')
    expect(page.locator("details.thread-group")).to_have_attribute("open", "")
    expect(thread).to_be_visible()
    expect(thread).to_have_class(re.compile(r"\bthread-active\b"))
    expect(thread).to_be_focused()

    page.goto(f"/#/cases/{case_id}?tab=versions")
    expect(page.locator("#tab-versions")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-versions")).to_be_visible()


def _sign_in(page: Page, person: Person) -> None:
    """Through the form, found by its fields' names (its labels are in the browser's language)."""
    page.goto("/#/signin")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("form.signin-form button[type=submit]").click()
    expect(page.get_by_test_id("whoami")).to_have_text(person.name)


def test_an_adopted_pain_point_and_a_decided_redemption_ring_the_bell_and_lead_to_them(
    api: Api, people: People, new_page: Callable[..., Page], screenshot: Callable[[Page, str], Path]
) -> None:
    sam, rita, hana = (demo_person(people, f"{name}@demo.warroom") for name in ("sam", "rita", "hana"))
    suffix = uuid.uuid4().hex[:6]
    case_id = api.create_case(sam, f"西南冷链续约 {suffix}", "西南冷链", {})
    _nothing_unread(api, sam)
    page = new_page()
    _sign_in(page, sam)
    bell = _bell(page)
    expect(bell).to_have_attribute("data-live", "true")
    expect(bell).to_have_attribute("data-count", "0")

    # R&D adopt Sam's pain point (in Chinese): his bell rises; the inbox names it and leads to the case's pain points.
    text = f"门店收货时冷链温度记录缺失，整车被拒收 {suffix}"
    submitted = api.call(sam, "SubmitPainPoint", input={"caseId": case_id, "text": text})["submitPainPoint"]
    assert submitted["__typename"] == "PainPoint", submitted
    api.call(rita, "AdoptPainPoint", id=submitted["id"], note="Q3 路线图")
    expect(bell).to_have_attribute("data-count", "1", timeout=LIVE_MS)
    bell.click()
    item = page.get_by_test_id("notification").first
    expect(item).to_have_attribute("data-kind", "PAIN_POINT_ADOPTED")
    expect(item).to_contain_text(f"{rita.name} adopted your pain point in 西南冷链续约 {suffix}")
    expect(item.locator(".notification-quote")).to_have_text(text)
    screenshot(page, "inbox-pain-point-adopted")
    item.get_by_test_id("notification-open").click()
    expect(page).to_have_url(re.compile(rf"#/cases/{case_id}\?tab=pain-points$"))
    expect(page.locator("#tab-pain-points")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-pain-points")).to_contain_text(text)
    expect(bell).to_have_attribute("data-count", "0", timeout=LIVE_MS)

    # HR reject Sam's redemption: the inbox (in Chinese this time) says so with the reason and leads to the wallet.
    api.call(hana, "AdjustPoints", userId=api.user_id(sam), delta=40, reason=f"季度奖励 {suffix}")
    reward = api.call(hana, "CreateReward", input={"name": f"午餐券 {suffix}", "kind": "OTHER", "cost": 30})
    redeemed = api.call(sam, "RedeemReward", rewardId=reward["createReward"]["id"])["redeemReward"]
    api.call(hana, "RejectRedemption", id=redeemed["redemption"]["id"], reason="本月预算已用完")
    expect(bell).to_have_attribute("data-count", "1", timeout=LIVE_MS)
    chinese = new_page("zh-CN")
    _sign_in(chinese, sam)
    _bell(chinese).click()
    item = chinese.get_by_test_id("notification").first
    expect(item).to_have_attribute("data-kind", "REDEMPTION_DECIDED")
    expect(item).to_contain_text(f"{hana.name} 驳回了你兑换「午餐券 {suffix}」的申请，积分已退回")
    expect(item.locator(".notification-reason")).to_have_text("理由：本月预算已用完")
    screenshot(chinese, "inbox-redemption-decided-zh-CN")
    item.get_by_test_id("notification-open").click()
    expect(chinese).to_have_url(re.compile(r"#/wallet$"))
    expect(_bell(chinese)).to_have_attribute("data-count", "0", timeout=LIVE_MS)
    expect(bell).to_have_attribute("data-count", "0", timeout=LIVE_MS)
