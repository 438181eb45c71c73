// The war room's comments tab: threads on passages and on the whole case, live through commentEvents.

import "../styles/comments.css";
import { request } from "../api/client";
import { ApiError, errorMessage } from "../api/errors";
import { subscribe } from "../api/subscriptions";
import {
  AddCommentDocument,
  CaseCommentsDocument,
  CommentDocument,
  CommentEventsDocument,
  MoveCommentAnchorDocument,
} from "../api/generated/graphql";
import type { CaseRole } from "../api/types";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { PanelTab } from "../warroom/side-panel";
import type { Room } from "../warroom/room";
import { findsPassagesByQuote, passageRange, type Passage } from "./anchor";
import { composer } from "./composer";
import { passageHighlights, scrollToPassage } from "./highlight";
import { commentMargin } from "./margin";
import { selectionAction } from "./selection-action";
import { ThreadView, type ThreadGroup } from "./thread";
import type { ChangedComment, Person, RootComment, Thread } from "./types";

const PAGE_SIZE = 50;
/** Waits between attempts to send a moved passage (the last one repeats while the room is open). */
const MOVE_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 15_000];
/** Errors worth another attempt: the network or the server failing, not a refusal. */
const RETRIED = new Set(["NETWORK", "SERVER_STATUS", "INTERNAL", "RATE_LIMITED", "SERVER", "LIVE_LOST"]);

type Anchor = { start: string; end: string };

interface Move {
  anchor: Anchor;
  /** The anchor the server holds, which a refused move goes back to. */
  before: Anchor;
  timer?: number;
}
const RECHECK_MS = 800;
const COMMENTERS: readonly CaseRole[] = ["OWNER", "EDITOR", "COMMENTER"];

/** The room's draft that says a new comment is being written, and about which passage. */
const COMPOSING = "comment:new:passage";
/** The room's draft that names a thread to open once it is loaded (a link's `?thread=`). */
const OPENING = "comment:open";

/** The open comments tab of each room (by its drafts): told when a link asks for a thread. */
const asking = new WeakMap<Map<string, unknown>, () => void>();

/** Asks the comments tab to open the thread (light and scroll to its passage) as soon as it can: at once when
 * the tab is there already (a link followed inside the open room). */
export function openThreadWhenReady(drafts: Map<string, unknown>, threadId: string): void {
  drafts.set(OPENING, threadId);
  asking.get(drafts)?.();
}
/** The room's moves of passages the server has not taken yet (see `moved`). */
const UNSENT = "comment:unsent";
/** The room's drafts of the margin's boxes (kept apart from the side list's, which show the same threads). */
const MARGIN_DRAFTS = "comment:margin";

interface Composing {
  passage: Passage | null;
}

function newestFirst(a: Thread, b: Thread): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

function isRoot(comment: ChangedComment): comment is RootComment {
  return comment.id === comment.threadId;
}

/**
 * The comments tab; `editorHost` gets the "Comment" button shown under a selection, `marginHost` (beside
 * the document) the cards of the open threads.
 */
export function commentsTab(room: Room, editorHost: HTMLElement, marginHost: HTMLElement): PanelTab {
  const { editor, item } = room;
  const canComment = COMMENTERS.includes(item.myRole);
  const members: Person[] = item.members.filter((m) => m.user.id !== room.me.id).map((m) => ({ id: m.user.id, name: m.user.name }));
  const highlights = passageHighlights(editor, moved);
  room.onDispose(highlights.dispose);

  const threads = new Map<string, Thread>();
  /** Moves of passages (see `moved`) the server has not taken yet, by thread; the newest one is sent. They are
   * the room's: a tab built again (in another language) sends them on. */
  const unsent = (room.drafts.get(UNSENT) as Map<string, Move> | undefined) ?? new Map<string, Move>();
  room.drafts.set(UNSENT, unsent);
  let closed = false;
  room.onDispose(() => {
    closed = true;
    for (const move of unsent.values()) window.clearTimeout(move.timer);
  });
  const retrying = h("p", { class: "hint", role: "status", "data-testid": "anchor-retrying", hidden: true }, t("comments.anchorRetrying"));
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
    margin.setActive(activeId);
    const range = thread.anchor ? highlights.show("active", thread.anchor) : null;
    if (range) scrollToPassage(editor, range.from);
    else if (thread.anchor) notice.show(t("comments.passageGone"), "info");
  }

  function deselect(): void {
    activeId = null;
    for (const view of views.values()) view.setActive(false);
    margin.setActive(null);
    highlights.show("active", null);
  }

  // A click on a lit passage opens its thread (in the margin beside it), as a click on the thread lights
  // its passage.
  const openFromPassage = (event: MouseEvent): void => {
    const lit = (event.target as Element | null)?.closest?.("[data-thread-id]");
    const thread = lit ? threads.get(lit.getAttribute("data-thread-id") ?? "") : undefined;
    if (thread && thread.id !== activeId) select(thread);
  };
  editor.view.dom.addEventListener("click", openFromPassage);
  room.onDispose(() => {
    if (!editor.isDestroyed) editor.view.dom.removeEventListener("click", openFromPassage);
  });

  const context = { canComment, members, select, changed: apply, drafts: room.drafts };
  let marginDrafts = room.drafts.get(MARGIN_DRAFTS) as Map<string, unknown> | undefined;
  if (!marginDrafts) room.drafts.set(MARGIN_DRAFTS, (marginDrafts = new Map()));
  const margin = commentMargin(editor, marginHost, { ...context, drafts: marginDrafts, deselect });
  room.onDispose(margin.dispose);

  function render(): void {
    const lists: Record<ThreadGroup, HTMLElement> = { open: openList, orphaned: orphanList, resolved: resolvedList };
    const placed: Record<ThreadGroup, HTMLElement[]> = { open: [], orphaned: [], resolved: [] };
    const lit = new Map<string, { start: string; end: string }>();
    const beside: Thread[] = [];
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
      if (group === "open" && thread.anchor) {
        lit.set(thread.id, thread.anchor);
        beside.push(thread);
      }
    }
    for (const [id, view] of views) {
      if (!threads.has(id)) {
        view.el.remove();
        views.delete(id);
      }
    }
    // Open threads stay lit for everyone, resolved ones not: the same render runs on each client's events.
    highlights.setOpen(lit);
    if (activeId && !threads.has(activeId)) {
      activeId = null;
      highlights.show("active", null);
    }
    margin.update(beside, activeId);
    for (const group of ["open", "orphaned", "resolved"] as const) replaceChildren(lists[group], ...placed[group]);
    openEmpty.hidden = placed.open.length > 0;
    orphanSection.hidden = placed.orphaned.length === 0;
    resolvedSection.hidden = placed.resolved.length === 0;
    resolvedSummary.textContent = t("comments.resolved", { count: formatNumber(placed.resolved.length) });
  }

  /** My edit wrote a passage anew (a paragraph split or joined, or undone): anchor its thread where it went,
   * here at once and for everyone through the server. */
  function moved(id: string, anchor: Anchor): void {
    const thread = threads.get(id);
    if (!thread?.anchor) return;
    const earlier = unsent.get(id);
    window.clearTimeout(earlier?.timer);
    const move: Move = { anchor, before: earlier?.before ?? { start: thread.anchor.start, end: thread.anchor.end } };
    unsent.set(id, move);
    put({ ...thread, anchor: { ...thread.anchor, ...anchor } });
    goneHere.delete(id);
    render();
    void send(id, move, 0);
  }

  /** Sends a move until the server has it: the others would otherwise see the thread lose its passage. A move
   * the server refuses is taken back here too, so this browser shows what everyone else sees. */
  async function send(id: string, move: Move, attempt: number): Promise<void> {
    try {
      const { moveCommentAnchor } = await request(MoveCommentAnchorDocument, { commentId: id, anchor: move.anchor });
      if (unsent.get(id) !== move || closed) return; // a newer move of the same thread is on its way
      unsent.delete(id);
      if (unsent.size === 0) retrying.hidden = true;
      apply(moveCommentAnchor);
    } catch (error) {
      if (unsent.get(id) !== move || closed) return;
      if (!(error instanceof ApiError) || RETRIED.has(error.code)) {
        retrying.hidden = false;
        move.timer = window.setTimeout(() => void send(id, move, attempt + 1), MOVE_RETRY_MS[Math.min(attempt, MOVE_RETRY_MS.length - 1)]);
        return;
      }
      unsent.delete(id);
      if (unsent.size === 0) retrying.hidden = true;
      const thread = threads.get(id);
      if (thread?.anchor) put({ ...thread, anchor: { ...thread.anchor, ...move.before } });
      render();
      notice.show(errorMessage(error));
    }
  }

  /** Opens the thread a link asked for, once it is loaded and (for a passage) the document is in. */
  function openAsked(): void {
    const id = room.drafts.get(OPENING);
    if (typeof id !== "string") return;
    const thread = threads.get(id);
    const view = views.get(id);
    if (!thread || !view || (thread.anchor && !synced)) return;
    room.drafts.delete(OPENING);
    showTab();
    if (groupOf(thread) === "resolved") resolvedSection.open = true;
    select(thread);
    view.el.scrollIntoView({ block: "nearest" });
    view.el.focus({ preventScroll: true });
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
      const moving = unsent.get(comment.id);
      // Until the server has this browser's move, the passage stays where the move put it.
      if (moving && comment.anchor) comment = { ...comment, anchor: { ...comment.anchor, ...moving.anchor } };
      const known = threads.get(comment.id);
      // A passage moved by someone's edit: where it is now is worked out again from its new anchor.
      if (known?.anchor?.start !== comment.anchor?.start || known?.anchor?.end !== comment.anchor?.end) goneHere.delete(comment.id);
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
      const asked = room.drafts.get(OPENING);
      // A thread older than the first page is fetched on its own.
      if (typeof asked === "string" && !threads.has(asked)) await fetchThread(asked);
      loaded = true;
      openAsked();
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
      // A masked copy finds passages by their masked quote, which a cut through a name can keep from
      // matching: there the server's `orphaned` alone says a passage is gone.
      if (!synced || findsPassagesByQuote(editor)) return;
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
    // The editor shows the document once the update is applied: place the passage after that.
    if (isSynced) window.setTimeout(openAsked, 0);
  };
  room.sync.provider.on("sync", whenSynced);
  editor.on("update", recheck);
  // A thread asked for once the first page is in: fetched on its own when it is not among those loaded.
  let loaded = false;
  const asked = (): void => {
    const id = room.drafts.get(OPENING);
    if (loaded && typeof id === "string" && !threads.has(id)) void fetchThread(id).then(openAsked);
    else openAsked();
  };
  asking.set(room.drafts, asked);
  room.onDispose(() => {
    if (asking.get(room.drafts) === asked) asking.delete(room.drafts);
  });
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
    retrying,
    h("section", { class: "thread-group", "aria-label": t("comments.openLabel") }, openList, openEmpty),
    orphanSection,
    resolvedSection,
    more,
  );
  // A comment box that was open when the tab was last built (in another language) opens again.
  const composing = room.drafts.get(COMPOSING) as Composing | undefined;
  if (composing && canComment) compose(composing.passage, false);
  else idle();
  render();
  void load();
  for (const [id, move] of unsent) void send(id, move, 0);
  return { id: "comments", label: t("warroom.tabs.comments"), render: () => el };
}
