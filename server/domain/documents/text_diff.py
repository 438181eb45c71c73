"""Paragraph- and word-level differences between two plain texts, and who made them (pure compute).

Texts are one line per paragraph (`doc_text.plain_text`). Words are runs of letters and digits;
Chinese and Japanese have no spaces between words, so each of their characters is a token of its
own, which keeps a diff of Chinese text as readable as one of English without a segmenter.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# Han (with extensions and compatibility ideographs), kana, CJK punctuation and full-width forms.
_CJK = (
    "\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0002fa1f"
)
_TOKEN = re.compile(rf"\n|[{_CJK}]|[^\W{_CJK}]+|[^\S\n]+|.", re.DOTALL)
_WORD = re.compile(r"[^\W\u3000-\u303f\uff00-\uff0f\uff1a-\uff20]")

# Beyond this many token comparisons a changed passage is shown as deleted and re-inserted whole:
# the matcher is quadratic and a diff must answer quickly.
_MAX_COMPARISONS = 4_000_000

Authors = frozenset[str]
NOBODY: Authors = frozenset()


def tokenize(text: str) -> list[str]:
    """Words, single CJK characters, whitespace runs, newlines and single other characters."""
    return _TOKEN.findall(text)


def is_word(token: str) -> bool:
    """True for a token that counts as a word (letters, digits or a CJK character)."""
    return bool(_WORD.match(token))


class Op(enum.StrEnum):
    EQUAL = "equal"
    INSERTED = "inserted"
    DELETED = "deleted"


class ChangeKind(enum.StrEnum):
    INSERTED = "inserted"
    DELETED = "deleted"
    MODIFIED = "modified"


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str
    authors: Authors = NOBODY


@dataclass(frozen=True)
class Change:
    """Paragraphs [from_start, from_end) of the old text became [to_start, to_end) of the new one."""

    kind: ChangeKind
    from_start: int
    from_end: int
    to_start: int
    to_end: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class TextDiff:
    changes: tuple[Change, ...]
    inserted_words: int
    deleted_words: int


@dataclass
class Blame:
    """Who inserted each token of the new text, and who deleted tokens of the old one (by index)."""

    inserted_by: list[Authors] = field(default_factory=list)
    deleted_by: dict[int, Authors] = field(default_factory=dict)

    def inserted(self, index: int) -> Authors:
        return self.inserted_by[index] if index < len(self.inserted_by) else NOBODY


_Opcode = tuple[str, int, int, int, int]


def _trimmed(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """Lengths of the common head and tail of `a` and `b` (edits are usually local)."""
    head = 0
    limit = min(len(a), len(b))
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    return head, tail


def _lines(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """`tokens` cut after each newline token."""
    lines: list[tuple[str, ...]] = []
    start = 0
    for k, token in enumerate(tokens):
        if token == "\n":
            lines.append(tuple(tokens[start : k + 1]))
            start = k + 1
    if start < len(tokens) or not lines:
        lines.append(tuple(tokens[start:]))
    return lines


def _token_opcodes(a: Sequence[str], b: Sequence[str], at_a: int, at_b: int) -> list[_Opcode]:
    if not a and not b:
        return []
    if len(a) * len(b) > _MAX_COMPARISONS:
        return [("replace", at_a, at_a + len(a), at_b, at_b + len(b))]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [
        (tag, i1 + at_a, i2 + at_a, j1 + at_b, j2 + at_b) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[_Opcode]:
    """difflib opcodes over tokens, computed paragraph by paragraph.

    Tokens repeat a lot (every space is one), which makes a plain token match quadratic over a
    whole document; aligning paragraphs first leaves token matching to the paragraphs that changed.
    """
    head, tail = _trimmed(a, b)
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    ops: list[_Opcode] = [("equal", 0, head, 0, head)] if head else []
    lines_a, lines_b = _lines(a_mid), _lines(b_mid)
    starts_a = [0]
    for line in lines_a:
        starts_a.append(starts_a[-1] + len(line))
    starts_b = [0]
    for line in lines_b:
        starts_b.append(starts_b[-1] + len(line))
    matcher = SequenceMatcher(None, lines_a, lines_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a1, a2, b1, b2 = starts_a[i1] + head, starts_a[i2] + head, starts_b[j1] + head, starts_b[j2] + head
        if tag == "equal":
            ops.append(("equal", a1, a2, b1, b2))
        else:
            ops.extend(_token_opcodes(a[a1:a2], b[b1:b2], a1, b1))
    if tail:
        ops.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    merged: list[_Opcode] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and op[0] == "equal" == merged[-1][0]:
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    return merged


def _common_head(a: str, b: str) -> int:
    """Length of the common prefix of two strings (binary search over slice compares, done in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_tail(a: str, b: str, limit: int) -> int:
    """Length of the common suffix of two strings, at most `limit`."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


class BlameReplay:
    """Follows a text through successive versions, remembering who inserted and deleted each token.

    Start from the old text, call `step` with each later text and the authors of the change that
    produced it, then `result` for the blame of the last text. A step only re-tokenizes and matches
    the lines between the texts' common head and tail, so a long replay costs little per step.
    """

    def __init__(self, base: str) -> None:
        self._text = base
        self._tokens = tokenize(base)
        # A base token's index, or the authors who inserted the token.
        self._origins: list[int | Authors] = list(range(len(self._tokens)))
        self._deleted_by: dict[int, Authors] = {}
        self._line_starts = self._starts(self._tokens)

    @staticmethod
    def _starts(tokens: Sequence[str]) -> list[int]:
        """The token index where each line starts."""
        return [0, *(k + 1 for k, token in enumerate(tokens) if token == "\n")]

    def step(self, text: str, authors: Authors) -> None:
        old = self._text
        if text == old:
            return
        head = _common_head(old, text)
        tail = _common_tail(old, text, min(len(old), len(text)) - head)
        # Widen to whole lines: a line start after the head, a newline at the start of the tail, so
        # the tokens outside are the same in both texts.
        head = old.rfind("\n", 0, head) + 1
        newline = old.find("\n", len(old) - tail)
        tail = len(old) - newline if newline >= 0 else 0
        first_line = old.count("\n", 0, head)
        head_tokens = self._line_starts[first_line]
        tail_tokens = (
            len(self._tokens) - (self._line_starts[old.count("\n", 0, newline) + 1] - 1) if tail else 0
        )
        a = self._tokens[head_tokens : len(self._tokens) - tail_tokens]
        b = tokenize(text[head : len(text) - tail])
        middle: list[int | Authors] = []
        for tag, i1, i2, j1, j2 in _opcodes(a, b):
            if tag == "equal":
                middle.extend(self._origins[head_tokens + i1 : head_tokens + i2])
                continue
            for origin in self._origins[head_tokens + i1 : head_tokens + i2]:
                if isinstance(origin, int):
                    self._deleted_by[origin] = self._deleted_by.get(origin, NOBODY) | authors
            middle.extend([authors] * (j2 - j1))
        end = len(self._tokens) - tail_tokens
        self._tokens = [*self._tokens[:head_tokens], *b, *self._tokens[end:]]
        self._origins = [*self._origins[:head_tokens], *middle, *self._origins[end:]]
        self._text = text
        self._line_starts = self._starts(self._tokens)

    def result(self) -> Blame:
        inserted = [NOBODY if isinstance(o, int) else o for o in self._origins]
        return Blame(inserted_by=inserted, deleted_by=dict(self._deleted_by))


def _line_starts(lines: list[str]) -> tuple[list[list[str]], list[int]]:
    tokens = [tokenize(line) for line in lines]
    starts, at = [], 0
    for line_tokens in tokens:
        starts.append(at)
        at += len(line_tokens) + 1  # the newline that ends the line
    return tokens, starts


def _joined(tokens: list[list[str]], starts: list[int], first: int, last: int) -> tuple[list[str], list[int]]:
    """The tokens of lines [first, last) with newlines between, and each token's global index."""
    out: list[str] = []
    index: list[int] = []
    for k in range(first, last):
        if k > first:
            out.append("\n")
            index.append(starts[k] - 1)
        out.extend(tokens[k])
        index.extend(range(starts[k], starts[k] + len(tokens[k])))
    return out, index


class _Segments:
    """Collects tokens into segments of one op and one set of authors, counting words."""

    def __init__(self) -> None:
        self.parts: list[tuple[Op, list[str], Authors]] = []
        self.words = {Op.INSERTED: 0, Op.DELETED: 0, Op.EQUAL: 0}

    def add(self, op: Op, token: str, authors: Authors) -> None:
        if op is not Op.EQUAL and is_word(token):
            self.words[op] += 1
        if self.parts and self.parts[-1][0] is op and self.parts[-1][2] == authors:
            self.parts[-1][1].append(token)
        else:
            self.parts.append((op, [token], authors))

    def build(self) -> tuple[Segment, ...]:
        return tuple(Segment(op, "".join(tokens), authors) for op, tokens, authors in self.parts)


def _lone_space(ops: list[_Opcode], k: int, old: list[str]) -> bool:
    """A whitespace-only equal run between two changes: "a b" -> "c d" reads as one replacement,
    not as two around an unchanged space."""
    tag, i1, i2, _j1, _j2 = ops[k]
    return tag == "equal" and 0 < k < len(ops) - 1 and all(t.isspace() and t != "\n" for t in old[i1:i2])


def _fill(tokens: list[tuple[str, Authors | None]]) -> list[tuple[str, Authors]]:
    """Give absorbed spaces (authors None) the authors of their neighbours in the run."""
    known = [a for _t, a in tokens if a is not None]
    out: list[tuple[str, Authors]] = []
    last = known[0] if known else NOBODY
    for token, authors in tokens:
        last = authors if authors is not None else last
        out.append((token, last))
    return out


def _change_segments(
    a: list[str], a_index: list[int], b: list[str], b_index: list[int], blame: Blame
) -> _Segments:
    segments = _Segments()
    deleted: list[tuple[str, Authors | None]] = []
    inserted: list[tuple[str, Authors | None]] = []

    def flush() -> None:
        for token, authors in _fill(deleted):
            segments.add(Op.DELETED, token, authors)
        for token, authors in _fill(inserted):
            segments.add(Op.INSERTED, token, authors)
        deleted.clear()
        inserted.clear()

    ops = _opcodes(a, b)
    for k, (tag, a1, a2, b1, b2) in enumerate(ops):
        if tag == "equal" and _lone_space(ops, k, a):
            deleted.extend((a[i], None) for i in range(a1, a2))
            inserted.extend((b[j], None) for j in range(b1, b2))
        elif tag == "equal":
            flush()
            for i in range(a1, a2):
                segments.add(Op.EQUAL, a[i], NOBODY)
        else:
            deleted.extend((a[i], blame.deleted_by.get(a_index[i], NOBODY)) for i in range(a1, a2))
            inserted.extend((b[j], blame.inserted(b_index[j])) for j in range(b1, b2))
    flush()
    return segments


def diff_texts(old: str, new: str, blame: Blame | None = None) -> TextDiff:
    """The changed paragraphs of `new` against `old`, each with word-level segments and, when a
    blame of `new` is given, the authors of each inserted or deleted segment."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    old_tokens, old_starts = _line_starts(old_lines)
    new_tokens, new_starts = _line_starts(new_lines)
    blame = blame if blame is not None else Blame()
    changes: list[Change] = []
    inserted_words = deleted_words = 0
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a, a_index = _joined(old_tokens, old_starts, i1, i2)
        b, b_index = _joined(new_tokens, new_starts, j1, j2)
        segments = _change_segments(a, a_index, b, b_index, blame)
        kind = {"insert": ChangeKind.INSERTED, "delete": ChangeKind.DELETED}.get(tag, ChangeKind.MODIFIED)
        changes.append(Change(kind, i1, i2, j1, j2, segments.build()))
        inserted_words += segments.words[Op.INSERTED]
        deleted_words += segments.words[Op.DELETED]
    return TextDiff(tuple(changes), inserted_words, deleted_words)


def reverse(diff: TextDiff) -> TextDiff:
    """The same differences read the other way round (new -> old)."""
    flip = {Op.INSERTED: Op.DELETED, Op.DELETED: Op.INSERTED, Op.EQUAL: Op.EQUAL}
    kinds = {
        ChangeKind.INSERTED: ChangeKind.DELETED,
        ChangeKind.DELETED: ChangeKind.INSERTED,
        ChangeKind.MODIFIED: ChangeKind.MODIFIED,
    }
    changes = tuple(
        Change(
            kinds[c.kind],
            c.to_start,
            c.to_end,
            c.from_start,
            c.from_end,
            tuple(Segment(flip[s.op], s.text, s.authors) for s in c.segments),
        )
        for c in diff.changes
    )
    return TextDiff(changes, inserted_words=diff.deleted_words, deleted_words=diff.inserted_words)
