"""Time to compute both contribution heatmaps of a case with 50,000 updates from 20 authors.

Run: `flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/heatmap.py [--updates N] [--authors N]`

The case is made with real pycrdt documents, one per author session: authors type in bursts
(one update per keystroke or word), fix typos, delete selections, add paragraphs and headings and bold
text, mostly in "their" section; a session only sees the others' edits when a burst starts, so
concurrent edits happen as they do over a network. Every update lands in a server document and in the
log with its author and time, spread over eight weeks. Only the heatmap computation is timed.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import _args
from pycrdt import Doc, TransactionEvent, XmlElement, XmlFragment, XmlText

from server.heatmaps.buckets import BucketSize, contribution_heatmap
from server.heatmaps.edits import LogEntry, read_edit_history
from server.heatmaps.sections import section_heatmap
from server.heatmaps.svg import contribution_svg, section_svg
from server.yjs.update import decode_update

SECTIONS = ["Summary", "Customer pain", "Supply chain", "Pricing", "Risks", "交付计划", "Legal", "Next steps"]
_PROSE = """the customer needs faster delivery of spare parts and a clear price for the service contract
our plant can ship within two weeks if finance approves the credit line legal reviews terms"""
WORDS = _PROSE.split()
START = datetime(2025, 1, 6, 8, tzinfo=UTC)


@dataclass
class _Session:
    author: str
    doc: Doc[XmlFragment]
    outbox: list[bytes] = field(default_factory=list)


@dataclass
class _Burst:
    session: _Session
    text: XmlText
    cursor: int
    left: int


class _CaseGenerator:
    def __init__(self, updates: int, authors: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.target = updates
        self.authors = [f"user-{i:02d}" for i in range(authors)]
        self.server: Doc[XmlFragment] = Doc()
        self.server["body"] = XmlFragment()
        self.sessions: dict[str, _Session] = {}
        self.log: list[LogEntry] = []
        self.clock = START

    def session(self, author: str) -> _Session:
        current = self.sessions.get(author)
        if current is None or self.rnd.random() < 0.01:
            # A new tab or a reconnect after a reload: a fresh Yjs client id for the same author.
            doc: Doc[XmlFragment] = Doc(client_id=self.rnd.randrange(1, 2**32))
            doc["body"] = XmlFragment()
            current = _Session(author, doc)
            doc.observe(lambda event, s=current: _collect(s, event))
            self.sessions[author] = current
        current.doc.apply_update(self.server.get_update(current.doc.get_state()))
        current.outbox.clear()
        return current

    def flush(self, session: _Session, pause: float) -> None:
        self.clock += timedelta(seconds=pause)
        for update in session.outbox:
            self.server.apply_update(update)
            self.log.append(LogEntry(session.author, self.clock, update))
        session.outbox.clear()

    def generate(self) -> tuple[list[LogEntry], bytes]:
        first = self.session(self.authors[0])
        body = first.doc["body"]
        for title in SECTIONS:
            body.children.append(XmlElement("heading", {"level": "2"}, [XmlText(title)]))
            body.children.append(XmlElement("paragraph", {}, [XmlText("")]))
            self.flush(first, 5)
        bursts: list[_Burst] = []
        while len(self.log) < self.target:
            if len(bursts) < 3 or self.rnd.random() < 0.002:
                bursts.append(self.start_burst())
            burst = self.rnd.choice(bursts)
            self.act(burst)
            self.flush(burst.session, self.rnd.uniform(0.2, 2.0))
            burst.left -= 1
            if burst.left <= 0:
                bursts.remove(burst)
                # Between bursts people go to meetings: spread the work over about eight weeks.
                self.clock += timedelta(minutes=self.rnd.expovariate(1 / 90))
        return self.log[: self.target], self.server.get_update()

    def start_burst(self) -> _Burst:
        index = self.rnd.randrange(len(self.authors))
        session = self.session(self.authors[index])
        body = session.doc["body"]
        paragraphs = [n for n in body.children if isinstance(n, XmlElement) and n.tag == "paragraph"]
        home = (len(paragraphs) * (index % len(SECTIONS))) // len(SECTIONS)
        pick = home if self.rnd.random() < 0.7 else self.rnd.randrange(len(paragraphs))
        text = paragraphs[min(pick, len(paragraphs) - 1)].children[0]
        assert isinstance(text, XmlText)
        size = len(text)
        cursor = size if self.rnd.random() < 0.6 else self.rnd.randint(0, size)
        return _Burst(session, text, cursor, self.rnd.randint(5, 120))

    def act(self, burst: _Burst) -> None:
        text, rnd = burst.text, self.rnd
        size = len(text)
        burst.cursor = min(burst.cursor, size)
        roll = rnd.random()
        if roll < 0.12 and burst.cursor > 0:
            del text[burst.cursor - 1 : burst.cursor]
            burst.cursor -= 1
        elif roll < 0.15 and size > 20:
            start = rnd.randrange(size - 10)
            del text[start : start + rnd.randint(3, 10)]
            burst.cursor = start
        elif roll < 0.152:
            self.drop_block(burst)
        elif roll < 0.162 and size > 10:
            start = rnd.randrange(size - 5)
            text.format(start, 5, {"bold": True})
        elif roll < 0.177:
            self.new_block(burst, "paragraph")
        elif roll < 0.179:
            self.new_block(burst, "heading")
        else:
            word = rnd.choice(WORDS) + " " if rnd.random() < 0.3 else rnd.choice("etaoinshrdlu ")
            text.insert(burst.cursor, word)
            burst.cursor += len(word)

    def drop_block(self, burst: _Burst) -> None:
        """Delete a whole paragraph (often someone else's), then continue in a fresh one."""
        body = burst.session.doc["body"]
        paragraphs = [
            i for i, n in enumerate(body.children) if isinstance(n, XmlElement) and n.tag == "paragraph"
        ]
        if len(paragraphs) > len(SECTIONS):
            del body.children[self.rnd.choice(paragraphs)]
            self.new_block(burst, "paragraph", at_end=True)

    def new_block(self, burst: _Burst, tag: str, *, at_end: bool = False) -> None:
        body = burst.session.doc["body"]
        paragraph = burst.text.parent
        children = list(body.children)
        position = len(children) if at_end else next(i for i, n in enumerate(children) if n == paragraph) + 1
        if tag == "heading":
            title = self.rnd.choice(["Open questions", "Decisions", "背景", "Follow-up"])
            body.children.insert(position, XmlElement("heading", {"level": "3"}, [XmlText(title)]))
            position += 1
        element = body.children.insert(position, XmlElement("paragraph", {}, [XmlText("")]))
        text = element.children[0]
        assert isinstance(text, XmlText)
        burst.text = text
        burst.cursor = 0


def _collect(session: _Session, event: TransactionEvent) -> None:
    session.outbox.append(event.update)


def main() -> None:
    parser = _args.parser(__doc__)
    _args.updates(parser, 50_000)
    parser.add_argument("--authors", type=int, default=20)
    _args.repeat(parser, 3)
    args = parser.parse_args()

    began = time.perf_counter()
    log, state = _CaseGenerator(args.updates, args.authors, seed=7).generate()
    print(
        f"generated {len(log):,} updates from {len({e.author_id for e in log})} authors "
        f"({sum(len(e.data) for e in log) / 1e6:.1f} MB; state {len(state) / 1e3:.0f} kB, "
        f"{len(decode_update(state).structs):,} structs) in {time.perf_counter() - began:.1f} s"
    )
    names = {author: f"Author {author[-2:]}" for author in {e.author_id for e in log} if author}
    period_end = log[-1].at + timedelta(seconds=1)
    steps = ["edit ledger (decode all updates)", "weekly buckets", "sections (rebuild state)", "two SVGs"]
    wall: dict[str, list[float]] = {name: [] for name in [*steps, "total"]}
    cpu: dict[str, list[float]] = {name: [] for name in [*steps, "total"]}
    for _ in range(args.repeat):
        marks = [(time.perf_counter(), time.process_time())]
        history = read_edit_history(log)
        marks.append((time.perf_counter(), time.process_time()))
        weekly = contribution_heatmap(start=START, end=period_end, size=BucketSize.WEEK, edits=history.edits)
        marks.append((time.perf_counter(), time.process_time()))
        sections = section_heatmap(state, history.client_authors)
        marks.append((time.perf_counter(), time.process_time()))
        contribution_svg(weekly, names, title="Contributions")
        section_svg(sections, names, title="Sections")
        marks.append((time.perf_counter(), time.process_time()))
        spans = [*itertools.pairwise(marks), (marks[0], marks[-1])]
        for name, (a, b) in zip([*steps, "total"], spans, strict=True):
            wall[name].append(b[0] - a[0])
            cpu[name].append(b[1] - a[1])
    # CPU time shows what the work costs when the two cores are shared with other jobs.
    print(f"{'':>34}  wall median (min)    cpu median")
    for name in wall:
        print(
            f"{name:>34}: {statistics.median(wall[name]):6.3f} s ({min(wall[name]):.3f})"
            f"   {statistics.median(cpu[name]):6.3f} s"
        )
    inserted = sum(e.chars_inserted for e in history.edits)
    deleted = sum(e.chars_deleted for e in history.edits)
    surviving = sum(section.total_chars for section in sections.sections)
    print(
        f"characters inserted {inserted:,}, deleted {deleted:,}, surviving {surviving:,} "
        f"in {len(sections.sections)} sections; {len(weekly.buckets)} weeks x {len(weekly.users)} users"
    )


if __name__ == "__main__":
    main()
