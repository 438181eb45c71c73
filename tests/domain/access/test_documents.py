"""RedactedCopies: one redaction per document state for every masked reader of a case, made again when
the document, its version or the customer changes; a failed one is not kept."""

import asyncio
from typing import Any

import pytest
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.domain.access.documents import RedactedCopies

CUSTOMER = "深圳华星光电"


def _doc(*paragraphs: str) -> Doc[Any]:
    doc: Doc[Any] = Doc()
    body = doc.get("body", type=XmlFragment)
    for paragraph in paragraphs:
        body.children.append(XmlElement("paragraph", {}, [XmlText(paragraph)]))
    return doc


async def test_readers_of_one_state_share_one_copy_and_a_change_makes_a_new_one() -> None:
    copies = RedactedCopies(size=2)
    doc = _doc("深圳华星光电要求续约，联系 13812345678")
    together = await asyncio.gather(*(copies.of("case", doc, 1, CUSTOMER) for _ in range(20)))
    assert len({id(copy) for copy in together}) == 1
    assert together[0].text == "深***光电要求续约，联系 138****5678"
    assert await copies.of("case", doc, 1, CUSTOMER) is together[0]

    body = doc.get("body", type=XmlFragment)
    body.children.append(XmlElement("paragraph", {}, [XmlText("Call li.lei@example.com")]))
    changed = await copies.of("case", doc, 2, CUSTOMER)  # its holder gives the changed document a new version
    assert changed is not together[0]
    assert changed.text.startswith("深***光电要求续约")
    assert "li.lei@" not in changed.text
    # Another document at the same version (reloaded from the database), or another customer: made anew.
    reloaded = _doc("深圳华星光电要求续约")
    assert (await copies.of("case", reloaded, 2, CUSTOMER)).text == "深***光电要求续约"
    assert (await copies.of("case", reloaded, 2, "华星")).text != "深***光电要求续约"

    # The least recently read case goes first.
    kept = await copies.of("case", reloaded, 2, "华星")
    await copies.of("b", reloaded, 2, CUSTOMER)
    await copies.of("c", reloaded, 2, CUSTOMER)
    assert await copies.of("case", reloaded, 2, "华星") is not kept


async def test_a_reader_leaving_does_not_cancel_the_others_copy_and_a_failure_is_not_kept() -> None:
    copies = RedactedCopies()
    doc = _doc("深圳华星光电的报价")
    leaving = asyncio.ensure_future(copies.of("case", doc, 1, CUSTOMER))
    staying = asyncio.ensure_future(copies.of("case", doc, 1, CUSTOMER))
    await asyncio.sleep(0)
    leaving.cancel()
    assert (await staying).text == "深***光电的报价"

    broken = _Unreadable()
    with pytest.raises(RuntimeError):
        await copies.of("bad", broken, 1, CUSTOMER)
    broken.fail = False
    # Tried again, not answered from a kept failure.
    assert (await copies.of("bad", broken, 1, CUSTOMER)).text == ""


class _Unreadable(Doc):  # type: ignore[type-arg]
    """A document whose state cannot be read until `fail` is cleared."""

    fail = True

    def get_update(self, state: bytes | None = None) -> bytes:
        if self.fail:
            raise RuntimeError("the document could not be read")
        return super().get_update(state)
