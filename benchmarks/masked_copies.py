"""What sending masked readers their copy costs after a change: one redaction per reader, or one shared.

When members edit a case, every reader whom only masking policies let in gets the whole redacted copy again
(`maskedDocumentEvents`). Each copy replays the document and masks it, in the server's offload processes
(server.infra.offload, two of them). This script builds a document of --paragraphs paragraphs (Chinese and
English, each with the customer's name, a phone number and an e-mail address), changes it --changes times,
and after each change asks for the copies of --readers readers at once, as the subscriptions do: either
each making its own (`redacted_doc`, how the first build of the subscription worked) or through
`RedactedCopies` (shared, the server's way). Reported per change: the time until the last reader has its
copy and the CPU time of this process and its offload children, medians over the changes.

Run it alone: flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/masked_copies.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import _args
from _report import table, wait_quiet
from _sync_servers import cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pycrdt import Doc, XmlElement, XmlFragment, XmlText  # noqa: E402 - the path above makes the repo importable

from server.domain.access.documents import RedactedCopies, redacted_doc  # noqa: E402
from server.infra import offload  # noqa: E402

CUSTOMER = "深圳华星光电"


def _paragraph(i: int) -> XmlElement:
    line = (
        f"第{i}段：深圳华星光电采购部要求续约，联系 138{i:08d}，邮箱 li.lei{i}@example.com。"
        f"Paragraph {i}: the customer asks for the welding line's service to be renewed."
    )
    return XmlElement("paragraph", {}, [XmlText(line)])


async def _one_change(
    doc: Doc[Any], version: int, readers: int, copies: RedactedCopies | None
) -> tuple[float, float]:
    """(seconds until every reader has a copy, CPU seconds spent meanwhile)."""
    cpu = cpu_seconds(os.getpid())
    started = time.perf_counter()
    if copies is None:
        made = await asyncio.gather(*(redacted_doc(doc, CUSTOMER) for _ in range(readers)))
    else:
        made = await asyncio.gather(*(copies.of("case", doc, version, CUSTOMER) for _ in range(readers)))
    elapsed = time.perf_counter() - started
    assert all(CUSTOMER not in copy.text for copy in made)
    return elapsed, cpu_seconds(os.getpid()) - cpu


async def _measure(paragraphs: int, readers: int, changes: int, shared: bool) -> tuple[float, float]:
    doc: Doc[Any] = Doc()
    body = doc.get("body", type=XmlFragment)
    for i in range(paragraphs):
        body.children.append(_paragraph(i))
    copies = RedactedCopies() if shared else None
    await _one_change(doc, 0, 2, copies)  # the offload processes started and warm
    times, cpus = [], []
    for version in range(1, changes + 1):
        body.children.append(_paragraph(paragraphs + version))
        elapsed, cpu = await _one_change(doc, version, readers, copies)
        times.append(elapsed)
        cpus.append(cpu)
    return statistics.median(times), statistics.median(cpus)


async def main() -> None:
    parser = _args.parser(__doc__)
    _args.wait_quiet(parser, 60.0)
    parser.add_argument("--paragraphs", default="100,400", help="document sizes, comma-separated")
    parser.add_argument("--readers", default="1,5,20", help="masked readers of the case, comma-separated")
    parser.add_argument("--changes", type=int, default=9, help="changes measured per setting")
    args = parser.parse_args()
    load = wait_quiet(args.wait_quiet)
    rows = []
    try:
        for paragraphs in (int(p) for p in args.paragraphs.split(",")):
            for readers in (int(r) for r in args.readers.split(",")):
                each = await _measure(paragraphs, readers, args.changes, shared=False)
                shared = await _measure(paragraphs, readers, args.changes, shared=True)
                rows.append(
                    [
                        paragraphs,
                        readers,
                        f"{each[0] * 1000:.0f} ms / {each[1] * 1000:.0f} ms",
                        f"{shared[0] * 1000:.0f} ms / {shared[1] * 1000:.0f} ms",
                    ]
                )
    finally:
        offload.shutdown(wait=True)
    table(
        f"Masked copies after one change, medians of {args.changes} changes: until the last reader has "
        f"its copy / CPU (1-minute load {load:.2f} at start)",
        ["paragraphs", "readers", "each its own", "shared (RedactedCopies)"],
        rows,
    )


if __name__ == "__main__":
    asyncio.run(main())
