"""Anchors resolve like Yjs resolves them, follow the text, and orphan when their passage goes."""

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc, XmlElement, XmlText

from server.domain.comments.anchors import AnchorResolver, ResolverCache
from server.domain.documents.text import body, plain_text
from server.yjs.positions import RelativePosition, from_base64
from tests.support.frontend_node import run_module

ME, OTHER = 7, 8
SENTENCE = "Acme sees card payments declined"


def _doc(client: int = ME) -> Doc[Any]:
    return Doc(client_id=client)


def _paragraph(doc: Doc[Any], text: str) -> XmlText:
    element = XmlElement("paragraph")
    body(doc).children.append(element)
    inner = XmlText()
    element.children.append(inner)
    inner.insert(0, text)
    return inner


def _first_text(doc: Doc[Any]) -> XmlText:
    paragraph = body(doc).children[0]
    assert isinstance(paragraph, XmlElement)
    text = paragraph.children[0]
    assert isinstance(text, XmlText)
    return text


def _sync(*docs: Doc[Any]) -> None:
    for a in docs:
        for b in docs:
            if a is not b:
                b.apply_update(a.get_update(b.get_state()))


def _text(resolver: AnchorResolver, start: RelativePosition, end: RelativePosition) -> str:
    span = resolver.span(start, end)
    assert span is not None
    assert span.text == resolver.text[span.start : span.end]
    return span.text


def _word(start: int, end: int, client: int = ME, first_clock: int = 2) -> tuple[RelativePosition, ...]:
    """Positions around text[start:end] of a paragraph written in one go (its text starts at clock 2):
    the start sticks to the first character; the end either to the next one or to the last one."""
    first = RelativePosition(item=(client, first_clock + start))
    after = RelativePosition(item=(client, first_clock + end))
    last = RelativePosition(item=(client, first_clock + end - 1), assoc=-1)
    return first, after, last


def test_an_anchor_gives_its_passage_and_follows_edits_before_it() -> None:
    mine, theirs = _doc(), _doc(OTHER)
    _paragraph(mine, SENTENCE)
    _sync(mine, theirs)
    first, after, last = _word(10, 14)
    for end in (after, last):
        span = AnchorResolver(mine).span(first, end)
        assert span is not None
        assert (span.start, span.end, span.text) == (10, 14, "card")
    their_text = _first_text(theirs)
    their_text.insert(0, "Update: ")
    their_text.insert(len("Update: Acme sees "), "credit ")
    _sync(mine, theirs)
    assert plain_text(mine) == "Update: Acme sees credit card payments declined"
    for end in (after, last):
        span = AnchorResolver(mine).span(first, end)
        assert span is not None
        assert span.text == "card"
        assert span.start == len("Update: Acme sees credit ")


def test_text_typed_at_the_end_joins_the_passage_only_with_a_right_sticking_end() -> None:
    doc = _doc()
    text = _paragraph(doc, SENTENCE)
    first, after, last = _word(10, 14)
    text.insert(14, "s")
    resolver = AnchorResolver(doc)
    assert [_text(resolver, first, end) for end in (after, last)] == ["cards", "card"]


def test_deleting_the_passage_orphans_the_anchor_and_a_partial_deletion_shrinks_it() -> None:
    doc = _doc()
    text = _paragraph(doc, SENTENCE)
    first, after, last = _word(10, 14)
    del text[11:13]
    assert _text(AnchorResolver(doc), first, after) == "cd"
    del text[10:12]
    assert plain_text(doc) == "Acme sees  payments declined"
    for end in (after, last):
        assert AnchorResolver(doc).span(first, end) is None
        # Each position still has a place: where the deleted text was.
        assert AnchorResolver(doc).offset(first) == 10


def test_deleting_the_paragraph_orphans_the_anchor() -> None:
    doc = _doc()
    _paragraph(doc, SENTENCE)
    _paragraph(doc, "second")
    first, after, _ = _word(10, 14)
    del body(doc).children[0]
    resolver = AnchorResolver(doc)
    assert resolver.offset(first) is None
    assert resolver.span(first, after) is None
    end_of_gone_text = RelativePosition(type=(ME, 1))
    assert resolver.offset(end_of_gone_text) is None


def test_passages_across_blocks_and_inside_lists_use_plain_text_offsets() -> None:
    doc = _doc()
    _paragraph(doc, "Heading")  # clocks 0 (paragraph), 1 (text), 2-8 (characters)
    items = XmlElement("bulletList")  # clock 9
    body(doc).children.append(items)
    item = XmlElement("listItem")  # 10
    items.children.append(item)
    inner = XmlElement("paragraph")  # 11
    item.children.append(inner)
    text = XmlText()  # 12
    inner.children.append(text)
    text.insert(0, "退款 delivery 😀 late")  # 13...
    assert plain_text(doc) == "Heading\n退款 delivery 😀 late"
    resolver = AnchorResolver(doc)
    # From "ding" to "delivery": the span crosses the line break between the blocks.
    span = resolver.span(RelativePosition(item=(ME, 2 + 3)), RelativePosition(item=(ME, 13 + 11)))
    assert span is not None
    assert span.text == "ding\n退款 delivery"
    # After the emoji (two UTF-16 units, one character): "late".
    late = 13 + len("退款 delivery 😀 ".encode("utf-16-le")) // 2
    span = resolver.span(RelativePosition(item=(ME, late)), RelativePosition(type=(ME, 12)))
    assert span is not None
    assert span.text == "late"


def test_characters_beyond_the_bmp_written_by_others_before_the_anchor() -> None:
    mine, theirs = _doc(), _doc(OTHER)
    _paragraph(mine, SENTENCE)
    _sync(mine, theirs)
    their_text = _first_text(theirs)
    their_text.insert(0, "😀客户🧪 ")
    _sync(mine, theirs)
    first, after, _ = _word(10, 14)
    span = AnchorResolver(mine).span(first, after)
    assert span is not None
    assert span.text == "card"
    assert span.start == len("😀客户🧪 Acme sees ")


def test_type_and_root_positions_stick_to_their_start_or_end() -> None:
    doc = _doc()
    _paragraph(doc, "one")
    _paragraph(doc, "two")  # paragraph at clock 5, its text at 6
    resolver = AnchorResolver(doc)
    assert resolver.offset(RelativePosition(type=(ME, 6))) == len("one\ntwo")
    assert resolver.offset(RelativePosition(type=(ME, 6), assoc=-1)) == len("one\n")
    assert resolver.offset(RelativePosition(root="body", assoc=-1)) == 0
    assert resolver.offset(RelativePosition(root="body")) == len("one\ntwo")
    # A position between blocks: before the second paragraph.
    assert resolver.offset(RelativePosition(item=(ME, 5))) == len("one\n")
    assert resolver.offset(RelativePosition(root="other")) is None


def test_unknown_and_nonsense_positions_resolve_to_nothing() -> None:
    doc = _doc()
    _paragraph(doc, SENTENCE)
    resolver = AnchorResolver(doc)
    unknown = RelativePosition(item=(ME, 500))
    stranger = RelativePosition(item=(12345, 0))
    assert not resolver.knows(unknown)
    assert not resolver.knows(stranger)
    assert resolver.knows(RelativePosition(root="body"))
    for position in (
        unknown,
        stranger,
        RelativePosition(type=(ME, 5)),  # a character, not a type
        RelativePosition(type=(ME, 0)),  # an element named as if it were text: its edges are fine
        RelativePosition(item=(ME, 1), assoc=-1),
    ):
        resolver.offset(position)  # never raises, never panics
    assert resolver.offset(unknown) is None
    assert resolver.offset(RelativePosition(type=(ME, 5))) is None


def test_a_cached_resolver_is_reused_until_the_document_changes() -> None:
    doc = _doc()
    text = _paragraph(doc, SENTENCE)
    cache = ResolverCache(size=2)
    first = cache.resolver("case", doc, 1)
    assert cache.resolver("case", doc, 1) is first
    text.insert(0, "x")  # its holder gives the changed document a new version
    second = cache.resolver("case", doc, 2)
    assert second is not first
    assert second.text == "x" + SENTENCE
    reloaded = _doc()
    _paragraph(reloaded, SENTENCE)
    assert cache.resolver("case", reloaded, 2).text == SENTENCE  # another document, the same version
    third = cache.resolver("case", doc, 2)
    cache.resolver("b", doc, 2)
    cache.resolver("c", doc, 2)
    assert cache.resolver("case", doc, 2) is not third  # evicted


FUZZ = Path(__file__).parent / "js" / "anchor_fuzz.mjs"


@pytest.mark.node
@pytest.mark.parametrize("seed", range(1, 7))
def test_positions_from_npm_yjs_resolve_where_yjs_resolves_them(seed: int) -> None:
    """Three npm yjs clients edit concurrently (CJK, emoji, marks, lists, breaks, deletions), taking
    relative positions as a browser does; the server's resolution must equal Yjs's own."""
    out = json.loads(run_module(FUZZ, str(seed), env={**os.environ, "FUZZ_ROUNDS": "80"}))
    doc: Doc[Any] = Doc()
    if seed % 2:
        doc.apply_update(base64.b64decode(out["update"]))
    else:
        for update in out["updates"]:  # as a live room builds it, update by update
            doc.apply_update(base64.b64decode(update))
    resolver = AnchorResolver(doc)
    assert resolver.text == plain_text(doc)
    assert out["expected"], "the run took no positions"
    for case in out["expected"]:
        got = resolver.offset(from_base64(case["position"]))
        if case["path"] is None:
            assert got is None, case
            continue
        assert got is not None, case
        path = tuple(case["path"])
        if case["text"] is None:
            expected = resolver._layout.blocks[path].at(case["index"])
        else:
            units = case["text"].encode("utf-16-le", "surrogatepass")[: 2 * case["index"]]
            expected = resolver._layout.texts[path].start + len(units.decode("utf-16-le", "surrogatepass"))
        assert got == expected, case
    for case in out["created"]:
        path = tuple(case["path"])
        units = case["text"].encode("utf-16-le", "surrogatepass")[: 2 * case["index"]]
        offset = resolver._layout.texts[path].start + len(units.decode("utf-16-le", "surrogatepass"))
        made = resolver.position_at(offset, sticks_left=case["assoc"] < 0)
        assert made is not None, case
        assert made.to_base64() == case["position"], case


@pytest.mark.node
def test_a_state_yjs_and_pycrdt_disagree_on_never_breaks_resolution() -> None:
    """Edits that split surrogate pairs (no editor does; a hostile client can) leave yrs and Yjs with
    different documents: positions may then resolve to nothing, but resolving never fails."""
    out = json.loads(run_module(FUZZ, "200", env={**os.environ, "FUZZ_ROUNDS": "100", "FUZZ_SPLIT": "1"}))
    doc: Doc[Any] = Doc()
    for update in out["updates"]:
        doc.apply_update(base64.b64decode(update))
    resolver = AnchorResolver(doc)
    for case in out["expected"]:
        position = from_base64(case["position"])
        resolver.offset(position)
        resolver.knows(position)


def test_an_undecodable_state_resolves_nothing() -> None:
    doc = _doc()
    _paragraph(doc, SENTENCE)
    resolver = AnchorResolver(doc, state=b"\x01\x01\x05\x00\x1f")
    assert resolver.text == SENTENCE
    assert resolver.offset(RelativePosition(item=(ME, 2))) is None
