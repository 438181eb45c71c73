"""The war room's Tiptap editor as the browser tests read it."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


def editor(page: Page) -> Locator:
    """The editable document of the open case."""
    return page.get_by_test_id("editor").locator(".ProseMirror")


def document_text(page: Page) -> str:
    """The document's text without the name labels of remote carets."""
    return str(
        editor(page).evaluate(
            """el => {
                const copy = el.cloneNode(true);
                copy.querySelectorAll(".collaboration-carets__caret").forEach((caret) => caret.remove());
                return copy.innerText.trim();
            }"""
        )
    )


def select_text(page: Page, text: str) -> None:
    """Selects `text` in the document as a drag would (a double-click cuts Chinese into words)."""
    editor(page).click()
    found = editor(page).evaluate(
        """(el, text) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return true;
            }
            return false;
        }""",
        text,
    )
    assert found, f"{text!r} is not in the document"
