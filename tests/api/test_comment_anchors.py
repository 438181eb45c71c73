"""Real clients: an editor types over y-websocket while a commenter anchors a comment on a word, as a
browser does (positions from its own copy of the document); the anchor follows the text and orphans
when the passage goes."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import XmlElement, XmlText

from server.domain.comments.anchors import AnchorResolver
from tests.support.live import Live, live_server
from tests.support.ysocket import YSocket

SENTENCE = "Acme Retail sees card payments declined at checkout."
ANCHOR = "query($id: ID!) { comment(id: $id) { anchor { quote startIndex endIndex currentQuote orphaned } } }"
ADD = (
    "mutation($i: AddCommentInput!) { addComment(input: $i) "
    "{ id anchor { quote startIndex endIndex currentQuote orphaned } } }"
)


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(database_url, tmp_path) as running:
        yield running


def _text(client: YSocket, paragraph: int = 0) -> XmlText:
    element = client.body.children[paragraph]
    assert isinstance(element, XmlElement)
    text = element.children[0]
    assert isinstance(text, XmlText)
    return text


def _browser_anchor(client: YSocket, word: str) -> dict[str, str]:
    """What the browser sends for a selection of `word` in its own copy of the document."""
    resolver = AnchorResolver(client.doc)
    offset = resolver.text.index(word)
    start = resolver.position_at(offset)
    end = resolver.position_at(offset + len(word), sticks_left=True)
    assert start is not None
    assert end is not None
    return {"start": start.to_base64(), "end": end.to_base64()}


async def _anchor_until(
    live: Live, token: str, comment_id: str, done: Any, timeout: float = 5
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        anchor: dict[str, Any] = (await live.gql.data(ANCHOR, {"id": comment_id}, token))["comment"]["anchor"]
        if done(anchor):
            return anchor
        assert time.monotonic() < deadline, anchor
        await asyncio.sleep(0.05)


async def test_an_anchor_follows_live_edits_and_orphans_when_its_passage_goes(live: Live) -> None:
    case = await live.case(editor="EDITOR", commenter="COMMENTER")
    editor = await YSocket.connect(await live.sync_url(case.id, case.members["editor"].token))
    commenter = await YSocket.connect(await live.sync_url(case.id, case.members["commenter"].token))
    await asyncio.gather(editor.synced.wait(), commenter.synced.wait())
    editor.add_paragraph(SENTENCE)
    editor.add_paragraph("Second paragraph stays.")
    await commenter.wait_text("stays")

    # The editor keeps typing while the commenter's comment is on its way.
    anchor = _browser_anchor(commenter, "payments")
    token = case.members["commenter"].token
    variables = {"i": {"caseId": case.id, "body": "Which payments?", "anchor": anchor, "quote": "payments"}}

    async def type_before() -> None:
        for word in ("Update: ", "Now "):
            _text(editor).insert(0, word)
            await asyncio.sleep(0.01)

    added, _ = await asyncio.gather(live.gql.data(ADD, variables, token), type_before())
    comment_id = added["addComment"]["id"]
    assert added["addComment"]["anchor"]["currentQuote"] == "payments"

    moved = await _anchor_until(
        live, token, comment_id, lambda a: a["startIndex"] == len("Now Update: Acme Retail sees card ")
    )
    assert moved == {
        "quote": "payments",
        "startIndex": len("Now Update: Acme Retail sees card "),
        "endIndex": len("Now Update: Acme Retail sees card payments"),
        "currentQuote": "payments",
        "orphaned": False,
    }
    # Typing inside the passage changes what it says now; the quote stays as it was.
    _text(editor).insert(len("Now Update: Acme Retail sees card pay"), "-")
    grown = await _anchor_until(live, token, comment_id, lambda a: a["currentQuote"] == "pay-ments")
    assert grown["quote"] == "payments"

    start = len("Now Update: Acme Retail sees card ")
    del _text(editor)[start : start + len("pay-ments ")]
    await editor.wait_text("card declined")
    gone = await _anchor_until(live, token, comment_id, lambda a: a["orphaned"])
    assert gone == {
        "quote": "payments",
        "startIndex": None,
        "endIndex": None,
        "currentQuote": None,
        "orphaned": True,
    }

    # A comment on a paragraph that is then deleted whole orphans as well.
    second = _browser_anchor(commenter, "stays")
    variables = {"i": {"caseId": case.id, "body": "Keep?", "anchor": second}}
    second_id = (await live.gql.data(ADD, variables, token))["addComment"]["id"]
    del editor.body.children[1]
    await _anchor_until(live, token, second_id, lambda a: a["orphaned"])
    assert "stays" not in await live.gql.case_text(token, case.id)
    await editor.close()
    await commenter.close()
