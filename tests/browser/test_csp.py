"""The built war room runs under the server's security headers: no Content-Security-Policy violation (the
`new_page` fixture fails a test on any), and the sync socket's URL carries a fresh ticket, never the token."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.browser.editor import editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


def test_the_war_room_runs_under_the_csp_and_syncs_with_tickets(
    api: Api, people: People, signed_in: Callable[[Person], Page]
) -> None:
    case_id = api.create_case(people.alice, "CSP 安全策略", "Contoso", {people.lina: "EDITOR"})
    alice = signed_in(people.alice)
    sockets: list[str] = []
    alice.on("websocket", lambda socket: _note(socket, sockets))
    response = alice.reload()  # a full load of the page, under the headers checked here
    assert response is not None
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in headers, "plain HTTP: no HSTS"
    alice.goto(f"/#/cases/{case_id}")
    expect(alice.get_by_test_id("connection")).to_have_attribute("data-state", "online")

    lina = signed_in(people.lina)
    lina.goto(f"/#/cases/{case_id}")
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    editor(alice).click()
    alice.keyboard.type("客户要求两周内交付。")
    expect(editor(lina)).to_contain_text("客户要求两周内交付。")
    # Presence and carets (styled through the CSSOM, not style attributes) show the signed-in names.
    expect(lina.get_by_test_id("presence").locator(f'[data-user-name="{people.alice.name}"]')).to_be_visible()
    expect(
        lina.locator(f'.collaboration-carets__caret[data-user-name="{people.alice.name}"]')
    ).to_be_visible()

    # Offline and back: y-websocket reconnects, with a ticket of its own.
    alice.context.set_offline(True)
    expect(alice.get_by_test_id("connection")).to_have_attribute("data-state", "offline")
    alice.context.set_offline(False)
    expect(alice.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    alice.keyboard.type(" Back online.")
    expect(editor(lina)).to_contain_text("Back online.")

    sync = [url for url in sockets if "/sync/" in url]
    assert len(sync) >= 2, sockets
    tickets = [parse_qs(urlsplit(url).query) for url in sync]
    assert all(set(query) == {"ticket"} for query in tickets), sync
    assert len({query["ticket"][0] for query in tickets}) == len(sync), "a ticket was used twice"
    token = alice.evaluate("localStorage.getItem('warroom.token')")
    assert token
    assert token not in " ".join(sockets)


def _note(socket: WebSocket, urls: list[str]) -> None:
    urls.append(socket.url)
