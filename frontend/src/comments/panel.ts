// The war room's comments tab: threads on passages and on the whole case, live through commentEvents.

import "../styles/comments.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { subscribe } from "../api/subscriptions";
import {
  AddCommentDocument,
  CaseCommentsDocument,
  CommentDocument,
  CommentEventsDocument,
} from "../api/generated/graphql";
import type { CaseRole } from "../api/types";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { keepTimesFresh } from "../ui/fresh-times";
import { noticeArea } from "../ui/notice";
import type { PanelTab } from "../warroom/side-panel";
import type { Room } from "../warroom/room";
import { passageRange, type Passage } from "./anchor";
import { composer } from "./composer";
import { passageHighlights, scrollToPassage } from "./highlight";
import { selectionAction } from "./selection-action";
import { ThreadView, type ThreadGroup } from "./thread";
import type { ChangedComment, Person, RootComment, Thread } from "./types";

const PAGE_SIZE = 50;
const RECHECK_MS = 800;
const COMMENTERS: readonly CaseRole[] = ["OWNER", "EDITOR", "COMMENTER"];

/** The room's draft that says a new comment is being written, and about which passage. */
const COMPOSING = "comment:new:passage";

interface Composing {
  passage: Passage | null;
}

function newestFirst(a: Thread, b: Thread): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

function isRoot(comment: ChangedComment): comment is RootComment {
  return comment.id === comment.threadId;
}

/** The comments tab; `editorHost` gets the "Comment" button shown under a selection. */
export function commentsTab(room: Room, editorHost: HTMLElement): PanelTab {
  const { editor, item } = room;
  const canComment = COMMENTERS.includes(item.myRole);
  const members: Person[] = item.members.filter((m) => m.user.id !== room.me.id).map((m) => ({ id: m.user.id, name: m.user.name }));
  const highlights = passageHighlights(editor);
  room.onDispose(highlights.dispose);

  const threads = new Map<string, Thread>();
  const views = new Map<string, ThreadView>();
  /** Threads whose passage this browser no longer finds, though the server said otherwise when it sent them. */
  const goneHere = new Set<string>();
  let activeId: string | null = null;
  let after: string | null = null;
  let synced = room.sync.provider.synced;

  const notice = noticeArea();
  const openList = h("div", { class: "thread-list", "data-testid": "threads-open" });
  const orphanList = h("div", { class: "thread-list", "data-testid": "threads-orphaned" });
  const resolvedList = h("div", { class: "thread-list", "data-testid": "threads-resolved" });
  const openEmpty = h("p", { class: "empty" }, t("comments.noOpen"));
  const orphanSection = h(
    "section",
    { class: "thread-group", "aria-label": t("comments.orphanedLabel") },
    h("h3", {}, t("comments.orphaned")),
    h("p", { class: "hint" }, t("comments.orphanedHint")),
    orphanList,
  );
  const resolvedSummary = h("summary", {});
  const resolvedSection = h("details", { class: "thread-group" }, resolvedSummary, resolvedList);
  const more = h("button", { type: "button", class: "button-quiet", hidden: true, onclick: () => void load() }, t("comments.older"));
  const start = h("div", { class: "new-comment" });

  function groupOf(thread: Thread): ThreadGroup {
    if (thread.resolvedAt) return "resolved";
    if (thread.anchor && (thread.anchor.orphaned || goneHere.has(thread.id))) return "orphaned";
    return "open";
  }

  function select(thread: Thread): void {
    notice.clear();
    activeId = thread.id;
    for (const view of views.values()) view.setActive(view.id === activeId);
    const range = thread.anchor ? highlights.show("active", thread.anchor) : null;
    if (range) scrollToPassage(editor, range.from);
    else if (thread.anchor) notice.show(t("comments.passageGone"), "info");
  }

  // A click on a lit passage opens its thread, as a click on the thread lights its passage.
  const openFromPassage = (event: MouseEvent): void => {
    const lit = (event.target as Element | null)?.closest?.("[data-thread-id]");
    const thread = lit ? threads.get(lit.getAttribute("data-thread-id") ?? "") : undefined;
    if (thread && thread.id !== activeId) {
      select(thread);
      views.get(thread.id)?.el.scrollIntoView({ block: "nearest" });
    }
  };
  editor.view.dom.addEventListener("click", openFromPassage);
  room.onDispose(() => {
    if (!editor.isDestroyed) editor.view.dom.removeEventListener("click", openFromPassage);
  });

  const context = { canComment, members, select, changed: apply, drafts: room.drafts };

  function render(): void {
    const lists: Record<ThreadGroup, HTMLElement> = { open: openList, orphaned: orphanList, resolved: resolvedList };
    const placed: Record<ThreadGroup, HTMLElement[]> = { open: [], orphaned: [], resolved: [] };
    const lit = new Map<string, { start: string; end: string }>();
    for (const thread of [...threads.values()].sort(newestFirst)) {
      const group = groupOf(thread);
      let view = views.get(thread.id);
      if (!view) {
        view = new ThreadView(thread, group, context);
        views.set(thread.id, view);
      } else {
        view.update(thread, group);
      }
      view.setActive(thread.id === activeId);
      placed[group].push(view.el);
      if (group === "open" && thread.anchor) lit.set(thread.id, thread.anchor);
    }
    for (const [id, view] of views) {
      if (!threads.has(id)) {
        view.el.remove();
        views.delete(id);
      }
    }
    // Open threads stay lit for everyone, resolved ones not: the same render runs on each client's events.
    highlights.setOpen(lit);
    for (const group of ["open", "orphaned", "resolved"] as const) replaceChildren(lists[group], ...placed[group]);
    openEmpty.hidden = placed.open.length > 0;
    orphanSection.hidden = placed.orphaned.length === 0;
    resolvedSection.hidden = placed.resolved.length === 0;
    resolvedSummary.textContent = t("comments.resolved", { count: formatNumber(placed.resolved.length) });
    if (activeId && !threads.has(activeId)) {
      activeId = null;
      highlights.show("active", null);
    }
  }

  function put(thread: Thread): void {
    if (thread.deleted && thread.replies.length === 0) threads.delete(thread.id);
    else threads.set(thread.id, thread);
  }

  async function fetchThread(id: string): Promise<void> {
    try {
      const { comment } = await request(CommentDocument, { id });
      put(comment);
      render();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  /** Takes in a comment as it is now: a thread's first comment (perhaps without replies) or a reply. */
  function apply(comment: ChangedComment): void {
    if (isRoot(comment)) {
      const known = threads.get(comment.id);
      put({ ...known, ...comment, replies: comment.replies ?? known?.replies ?? [] });
    } else {
      const thread = threads.get(comment.threadId);
      if (!thread) {
        void fetchThread(comment.threadId);
        return;
      }
      const replies = thread.replies.filter((reply) => reply.id !== comment.id);
      // Deleted replies leave the thread, as the server lists only live ones.
      if (!comment.deleted) replies.push(comment);
      replies.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      put({ ...thread, replies });
    }
    render();
  }

  async function load(): Promise<void> {
    more.disabled = true;
    try {
      const data = await request(CaseCommentsDocument, {
        caseId: item.id,
        first: PAGE_SIZE,
        after,
        includeResolved: true,
      });
      // A live event may already have brought a newer state of a thread: keep that one.
      for (const thread of data.case.comments.nodes) if (!threads.has(thread.id)) put(thread);
      after = data.case.comments.pageInfo.endCursor;
      more.hidden = !data.case.comments.pageInfo.hasNextPage;
      render();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  async function add(body: string, passage: Passage | null): Promise<void> {
    const input = passage
      ? { caseId: item.id, body, anchor: { start: passage.start, end: passage.end }, quote: passage.quote }
      : { caseId: item.id, body };
    const { addComment } = await request(AddCommentDocument, { input });
    apply(addComment);
    idle();
  }

  function idle(): void {
    highlights.show("pending", null);
    room.drafts.delete(COMPOSING);
    if (!canComment) {
      replaceChildren(start, h("p", { class: "hint" }, t("comments.readOnly")));
      return;
    }
    replaceChildren(
      start,
      h("p", { class: "hint" }, t("comments.howTo")),
      h("button", { type: "button", class: "button-quiet", "data-testid": "comment-case", onclick: () => compose(null) }, t("comments.onCase")),
    );
  }

  function compose(passage: Passage | null, focus = true): void {
    notice.clear();
    if (focus) showTab();
    if (passage) highlights.show("pending", passage);
    room.drafts.set(COMPOSING, { passage } satisfies Composing);
    const box = composer({
      label: passage ? t("comments.onPassage") : t("comments.onCase"),
      submitLabel: t("comments.submit"),
      members,
      testId: "new-comment",
      draft: { key: "comment:new", store: room.drafts },
      onSubmit: (body) => add(body, passage),
      onCancel: idle,
    });
    replaceChildren(
      start,
      passage ? h("blockquote", { class: "pending-quote", "data-testid": "pending-quote" }, passage.quote) : h("p", { class: "hint" }, t("comments.aboutCase")),
      box.el,
    );
    if (focus) box.focus();
  }

  function showTab(): void {
    // The comments tab may be behind another one when someone picks "Comment" in the document.
    const tab = document.getElementById("tab-comments");
    if (tab?.getAttribute("aria-selected") === "false") tab.click();
  }

  // Whether a passage is still there changes with every edit; look again once the typing pauses.
  let timer: number | undefined;
  const recheck = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (!synced) return;
      let changed = false;
      for (const thread of threads.values()) {
        if (!thread.anchor || thread.resolvedAt || thread.anchor.orphaned) continue;
        const gone = passageRange(editor, thread.anchor) === null;
        if (gone !== goneHere.has(thread.id)) {
          changed = true;
          if (gone) goneHere.add(thread.id);
          else goneHere.delete(thread.id);
        }
      }
      if (changed) render();
    }, RECHECK_MS);
  };
  const whenSynced = (isSynced: boolean): void => {
    synced = synced || isSynced;
  };
  room.sync.provider.on("sync", whenSynced);
  editor.on("update", recheck);
  room.onDispose(() => {
    window.clearTimeout(timer);
    editor.off("update", recheck);
    room.sync.provider.off("sync", whenSynced);
  });

  if (canComment) room.onDispose(selectionAction(editor, editorHost, compose));
  room.onDispose(
    subscribe(CommentEventsDocument, { caseId: item.id }, {
      next: ({ commentEvents }) => apply(commentEvents.comment),
      error: (message) => notice.show(message),
    }),
  );

  const el = h(
    "div",
    { class: "comments-panel", "data-testid": "comments-panel" },
    start,
    notice.el,
    h("section", { class: "thread-group", "aria-label": t("comments.openLabel") }, openList, openEmpty),
    orphanSection,
    resolvedSection,
    more,
  );
  room.onDispose(keepTimesFresh(el));
  // A comment box that was open when the tab was last built (in another language) opens again.
  const composing = room.drafts.get(COMPOSING) as Composing | undefined;
  if (composing && canComment) compose(composing.passage, false);
  else idle();
  render();
  void load();
  return { id: "comments", label: t("warroom.tabs.comments"), render: () => el };
}
