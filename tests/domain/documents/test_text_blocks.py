"""The plain text of the editor's richer blocks (tables, checklists, code, callouts) that snapshots,
diffs, comment anchors and heatmap sections read, in Chinese and English."""

from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.domain.documents.text import BODY, plain_text, text_layout
from server.domain.documents.text_diff import ChangeKind, diff_texts


def _p(text: str) -> XmlElement:
    return XmlElement("paragraph", None, [XmlText(text)])


def _cell(tag: str, text: str) -> XmlElement:
    return XmlElement(tag, None, [_p(text)])


def _doc(*blocks: XmlElement) -> Doc[Any]:
    doc: Doc[Any] = Doc()
    doc[BODY] = XmlFragment(list(blocks))
    return doc


def _table(rows: list[list[str]]) -> XmlElement:
    header = [XmlElement("tableRow", None, [_cell("tableHeader", t) for t in rows[0]])]
    body = [XmlElement("tableRow", None, [_cell("tableCell", t) for t in row]) for row in rows[1:]]
    return XmlElement("table", None, header + body)


def test_table_cells_read_row_by_row_in_reading_order() -> None:
    doc = _doc(_p("需求对比"), _table([["功能", "Status"], ["单点登录", "done"], ["审计日志", "进行中"]]))
    assert plain_text(doc) == "需求对比\n功能\nStatus\n单点登录\ndone\n审计日志\n进行中"


def test_checklists_code_blocks_callouts_and_quotes_keep_their_text() -> None:
    task = XmlElement("taskItem", {"checked": "true"}, [_p("确认报价 confirm quote")])
    todo = XmlElement("taskItem", {"checked": "false"}, [_p("Send contract")])
    doc = _doc(
        XmlElement("taskList", None, [task, todo]),
        XmlElement("codeBlock", {"language": "python"}, [XmlText("print('你好')\nx = 1")]),
        XmlElement("callout", {"type": "warning"}, [_p("注意：客户数据保密")]),
        XmlElement("blockquote", None, [_p("Quoted words")]),
        XmlElement("horizontalRule"),
        _p("结尾 end"),
    )
    assert plain_text(doc) == (
        "[x] 确认报价 confirm quote\n[ ] Send contract\nprint('你好')\nx = 1\n注意：客户数据保密\nQuoted words\n结尾 end"
    )


def _task(checked: bool, *content: XmlElement) -> XmlElement:
    # pycrdt types attribute values as strings; Yjs (and the browser) store any JSON value, here a boolean.
    attributes: Any = {"checked": checked}
    return XmlElement("taskItem", attributes, list(content))


def test_a_checklist_item_reads_with_its_state_as_the_browser_stores_it() -> None:
    # Tiptap writes `checked` as a boolean; nested items carry their own marker, an empty item none.
    nested = XmlElement("taskList", None, [_task(False, _p("Send contract 发合同"))])
    doc = _doc(
        XmlElement(
            "taskList",
            None,
            [
                _task(True, _p("已完成"), nested),
                _task(False, XmlElement("paragraph")),
                _task(False, _p("todo")),
            ],
        ),
        _p("之后 after"),
    )
    assert plain_text(doc) == "[x] 已完成\n[ ] Send contract 发合同\n[ ] todo\n之后 after"


def test_the_marker_is_outside_every_text_so_offsets_point_at_the_item_words() -> None:
    doc = _doc(XmlElement("taskList", None, [_task(True, _p("审计 audit"))]))
    layout = text_layout(doc)
    assert layout.text == "[x] 审计 audit"
    span = layout.texts[(0, 0, 0, 0)]
    assert span.start == len("[x] ")
    assert layout.text[span.start :] == layout.text_of((0, 0, 0, 0))


def test_ticking_an_item_shows_in_the_diff_in_chinese_and_english() -> None:
    def version(first: bool, second: bool) -> str:
        items = [_task(first, _p("确认报价")), _task(second, _p("Send contract"))]
        return plain_text(_doc(XmlElement("taskList", None, items)))

    diff = diff_texts(version(False, False), version(True, True))
    assert [c.kind for c in diff.changes] == [ChangeKind.MODIFIED]
    changed = [(s.op.value, s.text) for s in diff.changes[0].segments if s.op.value != "equal"]
    assert changed == [("deleted", " "), ("inserted", "x")] * 2
    assert diff.inserted_words == 2


def test_a_changed_table_cell_shows_in_the_diff() -> None:
    before = plain_text(_doc(_table([["Item", "价格"], ["License", "一万元"]])))
    after = plain_text(_doc(_table([["Item", "价格"], ["License", "两万元"]])))
    diff = diff_texts(before, after)
    assert [c.kind for c in diff.changes] == [ChangeKind.MODIFIED]
    segments = [(s.op.value, s.text) for s in diff.changes[0].segments]
    assert ("deleted", "一") in segments
    assert ("inserted", "两") in segments
