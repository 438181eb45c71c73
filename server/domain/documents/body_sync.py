"""Make a document's `body` equal another's with a small Yjs change (pure compute).

Restoring a version must be an ordinary update that every client merges, and should touch only
what differs: a paragraph both versions share keeps its Yjs items, so comments anchored in it
(relative positions) keep resolving. Blocks are aligned by content, paired blocks of the same
kind are edited in place (attributes, children, characters), and the rest is deleted or inserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from pycrdt import Doc, TransactionEvent, XmlElement, XmlFragment, XmlText

from server.domain.documents.text import body

Node = XmlElement | XmlText | XmlFragment
Parent = XmlElement | XmlFragment

# Pairing blocks by similarity is quadratic; bigger replaced ranges are paired by position.
_MAX_PAIRING = 60 * 60
# Blocks less alike than this are replaced rather than edited.
_MIN_SIMILARITY = 0.3


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class _Unit:
    """One character (or embed) of an XmlText with its formatting."""

    key: tuple[str, str]
    value: Any
    attrs: dict[str, Any]
    size: int  # in the index unit of pycrdt text: UTF-8 bytes, 1 for an embed
    embed: bool


def _units(text: XmlText) -> list[_Unit]:
    units: list[_Unit] = []
    for chunk, attrs in text.diff():
        formats = dict(attrs or {})
        format_key = _json(formats) if formats else ""
        if isinstance(chunk, str):
            units.extend(_Unit((ch, format_key), ch, formats, len(ch.encode()), False) for ch in chunk)
        else:
            units.append(_Unit(("\0" + _json(chunk), format_key), chunk, formats, 1, True))
    return units


def _attributes(element: XmlElement) -> dict[str, Any]:
    pairs: Iterable[tuple[str, Any]] = element.attributes  # type: ignore[assignment]  # iterates (key, value)
    return dict(pairs)


def signature(node: Node) -> str:
    """A canonical text of a subtree: equal signatures, equal content and formatting."""
    if isinstance(node, XmlText):
        return "T" + _json([[u.key[0], u.key[1]] for u in _units(node)])
    children = ",".join(signature(child) for child in node.children)
    if isinstance(node, XmlElement):
        return f"E{_json(node.tag)}{_json(_attributes(node))}[{children}]"
    return f"F[{children}]"


def _kind(node: Node) -> str:
    if isinstance(node, XmlElement):
        return f"<{node.tag}>"
    return "#text" if isinstance(node, XmlText) else "#fragment"


def _plain(node: Node) -> str:
    if isinstance(node, XmlText):
        return "".join(chunk for chunk, _attrs in node.diff() if isinstance(chunk, str))
    return "\n".join(_plain(child) for child in node.children)


# ---- copying -------------------------------------------------------------------------------


def _write_units(text: XmlText, at: int, units: Sequence[_Unit]) -> None:
    """Insert `units` at byte offset `at`, one call per run of equally formatted characters."""
    k = 0
    while k < len(units):
        unit = units[k]
        if unit.embed:
            text.insert_embed(at, unit.value, unit.attrs)
            at += 1
            k += 1
            continue
        run = [unit.value]
        k += 1
        while k < len(units) and not units[k].embed and units[k].key[1] == unit.key[1]:
            run.append(units[k].value)
            k += 1
        chunk = "".join(run)
        # Explicit (possibly empty) attributes: otherwise the run inherits its neighbour's marks.
        text.insert(at, chunk, unit.attrs)
        at += len(chunk.encode())


def _insert_copy(parent: Parent, index: int, source: Node) -> None:
    if isinstance(source, XmlText):
        text = parent.children.insert(index, XmlText())
        _write_units(text, 0, _units(source))
    elif isinstance(source, XmlElement):
        assert source.tag is not None
        element = parent.children.insert(index, XmlElement(source.tag, _attributes(source)))
        for k, child in enumerate(source.children):
            _insert_copy(element, k, child)
    # A fragment nested in a fragment cannot be inserted by pycrdt, and no editor writes one.


# ---- editing in place ------------------------------------------------------------------------


def _sync_text(live: XmlText, target: XmlText) -> None:
    a, b = _units(live), _units(target)
    offsets = [0]
    for unit in a:
        offsets.append(offsets[-1] + unit.size)
    matcher = SequenceMatcher(None, [u.key for u in a], [u.key for u in b], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        if i2 > i1:
            del live[offsets[i1] : offsets[i2]]
        if j2 > j1:
            _write_units(live, offsets[i1], b[j1:j2])


def _sync_attributes(live: XmlElement, target: XmlElement) -> None:
    have, want = _attributes(live), _attributes(target)
    for key in have.keys() - want.keys():
        del live.attributes[key]
    for key, value in want.items():
        if key not in have or _json(have[key]) != _json(value):
            live.attributes[key] = value


def _sync_node(live: Node, target: Node) -> None:
    if isinstance(live, XmlText) and isinstance(target, XmlText):
        _sync_text(live, target)
    elif isinstance(live, XmlElement) and isinstance(target, XmlElement):
        _sync_attributes(live, target)
        _sync_children(live, target)


def _pairs(lives: Sequence[Node], targets: Sequence[Node]) -> list[tuple[int, int]]:
    """Which live node to edit into which target node: same kind, in order, most alike first."""
    n, m = len(lives), len(targets)
    if n * m > _MAX_PAIRING:
        kinds = SequenceMatcher(None, [_kind(x) for x in lives], [_kind(y) for y in targets], autojunk=False)
        return [(i + k, j + k) for i, j, size in kinds.get_matching_blocks() for k in range(size)]
    texts_a = [_plain(x) for x in lives]
    texts_b = [_plain(y) for y in targets]

    def score(i: int, j: int) -> float:
        if _kind(lives[i]) != _kind(targets[j]):
            return 0.0
        if not texts_a[i] and not texts_b[j]:
            return 1.0
        ratio = SequenceMatcher(None, texts_a[i], texts_b[j], autojunk=False).ratio()
        return ratio if ratio >= _MIN_SIMILARITY else 0.0

    scores = [[score(i, j) for j in range(m)] for i in range(n)]
    # Weighted longest common subsequence over the similarity scores.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = scores[i][j]
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + s if s else 0.0)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        s = scores[i][j]
        if s and best[i][j] == best[i + 1][j + 1] + s:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _sync_range(parent: Parent, at: int, lives: Sequence[Node], targets: Sequence[Node]) -> None:
    """Turn children [at, at + len(lives)) of `parent` into copies of `targets`."""
    pairs = _pairs(lives, targets)
    # Work from the end so the indexes of what is still to do stay valid.
    bounds = [(-1, -1), *pairs, (len(lives), len(targets))]
    for k in range(len(bounds) - 1, 0, -1):
        (pi, pj), (ni, nj) = bounds[k - 1], bounds[k]
        if ni < len(lives):
            _sync_node(lives[ni], targets[nj])
        gap_start = at + pi + 1
        if ni > pi + 1:
            del parent.children[gap_start : at + ni]
        for offset, source in enumerate(targets[pj + 1 : nj]):
            _insert_copy(parent, gap_start + offset, source)


def _sync_children(live: Parent, target: Parent) -> None:
    lives, targets = list(live.children), list(target.children)
    matcher = SequenceMatcher(None, [signature(x) for x in lives], [signature(y) for y in targets], False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag != "equal":
            _sync_range(live, i1, lives[i1:i2], targets[j1:j2])


def sync_body(live: Doc[Any], target: Doc[Any]) -> None:
    """Edit `live` so its body equals `target`'s, in one transaction."""
    with live.transaction():
        _sync_children(body(live), body(target))


def same_body(a: Doc[Any], b: Doc[Any]) -> bool:
    """True when both documents' bodies hold the same content and formatting."""
    return signature(body(a)) == signature(body(b))


def restore_update(live_state: bytes, version_state: bytes) -> bytes | None:
    """The Yjs update that turns a document in `live_state` into the body of `version_state`.

    None when they already read the same. The update is made by a scratch copy of the live
    document, so it applies to the live one (and to every client's) as a normal change.
    """
    live: Doc[Any] = Doc()
    live.apply_update(live_state)
    version: Doc[Any] = Doc()
    version.apply_update(version_state)
    if same_body(live, version):
        return None
    captured: list[bytes] = []

    def capture(event: TransactionEvent) -> None:
        captured.append(event.update)

    subscription = live.observe(capture)
    try:
        sync_body(live, version)
    finally:
        live.unobserve(subscription)
    return captured[0] if captured else None
