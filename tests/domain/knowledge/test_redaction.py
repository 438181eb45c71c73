"""The redacted copy of a case version: the customer, contact data and ID numbers masked in the document and
its text, in Chinese and English, with each mask's place; structure and unmasked formatting kept."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, XmlElement, XmlText

from server.domain.documents.text import body, plain_text
from server.domain.knowledge.redaction import mask_line, redact_state


def _document(*blocks: tuple[str, list[tuple[str, dict[str, Any] | None]]]) -> bytes:
    doc: Doc[Any] = Doc()
    with doc.transaction():
        for tag, runs in blocks:
            # A number, as Tiptap writes a heading's level (pycrdt's stubs say str; Yjs holds any JSON value).
            levels: dict[str, Any] = {"level": 2} if tag == "heading" else {}
            element = body(doc).children.append(XmlElement(tag, levels))
            text = element.children.append(XmlText())
            for chunk, attrs in runs:
                text.insert(len(text), chunk, attrs)
    return doc.get_update()


def test_chinese_and_english_personal_data_and_the_customer_are_masked_where_the_spans_say() -> None:
    state = _document(
        ("heading", [("华西医院 Medical 故障处置", None)]),
        ("paragraph", [("联系李工 13812345678，邮箱 li.gong@huaxi.cn", None)]),
        ("paragraph", [("Call 华西医院  MEDICAL's desk at +1 415 555 0100 or desk@acme.com", None)]),
    )
    redacted = redact_state(state, "华西医院 Medical")
    # Any case and any spacing between the name's words.
    assert redacted.text == (
        "华*** Medical 故障处置\n联系李工 138****5678，邮箱 l***@huaxi.cn\n"
        "Call 华*** Medical's desk at +1 *** *** 0100 or d***@acme.com"
    )
    for secret in ("华西医院", "13812345678", "li.gong@huaxi.cn", "415 555 0100", "desk@acme.com"):
        assert secret not in redacted.text
    kinds = [span.kind for span in redacted.spans]
    assert kinds == ["customer", "phone", "email", "customer", "phone", "email"]
    masked = [redacted.text[span.start : span.end] for span in redacted.spans]
    assert masked[:3] == ["华*** Medical", "138****5678", "l***@huaxi.cn"]
    assert all("*" in piece for piece in masked)
    # The document says the same as the text, headings and all.
    doc: Doc[Any] = Doc()
    doc.apply_update(redacted.state)
    assert plain_text(doc) == redacted.text
    assert [child.tag for child in body(doc).children] == ["heading", "paragraph", "paragraph"]  # type: ignore[union-attr]


def test_formatting_is_kept_where_nothing_is_masked_and_masking_twice_changes_nothing() -> None:
    state = _document(("paragraph", [("普通 ", None), ("加粗 bold", {"bold": True})]))
    redacted = redact_state(state, "ACME")
    doc: Doc[Any] = Doc()
    doc.apply_update(redacted.state)
    (paragraph,) = body(doc).children
    runs = list(paragraph.children[0].diff())  # type: ignore[union-attr]
    assert runs == [("普通 ", None), ("加粗 bold", {"bold": True})]
    assert redacted.spans == ()
    again = redact_state(
        redact_state(_document(("paragraph", [("ACME 13812345678", None)])), "ACME").state, "ACME"
    )
    assert again.text == "A*** 138****5678"


def test_a_title_is_masked_like_the_text() -> None:
    masked = mask_line("Acme Retail 退货流程 acme retail", "Acme Retail")
    assert masked.text == "A*** Retail 退货流程 A*** Retail"
    assert [span.kind for span in masked.spans] == ["customer", "customer"]
