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
