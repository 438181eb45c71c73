// One comment thread: the passage it is about, the first comment, replies, and what the viewer may do.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { slot, withNodes } from "../i18n/nodes";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { confirmDialog } from "../ui/confirm";
import { exactTime, timeElement } from "../ui/time";
import { composer, hasDraft, type Composer } from "./composer";
import { renderBody } from "./mentions";
import {
  DeleteCommentDocument,
  EditCommentDocument,
  ReopenCommentDocument,
  ReplyToCommentDocument,
  ResolveCommentDocument,
} from "../api/generated/graphql";
import type { ChangedComment, Person, Reply, Thread } from "./types";

export interface ThreadContext {
  canComment: boolean;
  members: Person[];
  /** Lights up the thread's passage in the editor. */
  select: (thread: Thread) => void;
  /** Takes in a comment as a mutation returned it (a thread's first comment or a reply). */
  changed: (comment: ChangedComment) => void;
  /** The room's drafts: replies and edits being written, kept while the tab is built again. */
  drafts: Map<string, unknown>;
}

export type ThreadGroup = "open" | "orphaned" | "resolved";

function quoteOf(thread: Thread, group: ThreadGroup): HTMLElement | null {
  const anchor = thread.anchor;
  if (!anchor) return h("p", { class: "thread-scope" }, t("comments.aboutCase"));
  if (group === "orphaned") {
    return h("p", { class: "thread-quote thread-quote-gone", "data-testid": "thread-quote" }, t("comments.thread.passageDeleted"), h("q", {}, anchor.quote));
  }
  const now = anchor.currentQuote ?? anchor.quote;
  return h(
    "button",
    { type: "button", class: "thread-quote", "data-testid": "thread-quote", title: t("comments.thread.showPassage") },
    h("q", {}, now),
  );
}

export class ThreadView {
  readonly el: HTMLElement;
  private thread: Thread;
  private group: ThreadGroup;
  private readonly context: ThreadContext;
  private readonly notice = noticeArea();
  private readonly editing = new Map<string, Composer>();
  private replyBox: Composer | null = null;

  /** `testId` tells the side list's view from the margin's. */
  constructor(thread: Thread, group: ThreadGroup, context: ThreadContext, testId = "comment-thread") {
    this.thread = thread;
    this.group = group;
    this.context = context;
    this.el = h("article", { class: "thread", "data-testid": testId, "data-thread-id": thread.id, tabindex: "-1" });
    this.el.addEventListener("click", (event) => {
      // Buttons, links and text boxes do their own thing; a click anywhere else shows the passage.
      const target = event.target as HTMLElement;
      if (target.closest("form, a, .comment-actions, .thread-actions")) return;
      if (this.thread.anchor && this.group !== "orphaned") this.context.select(this.thread);
    });
    this.render();
    // Boxes that were open when the tab was last built (in another language) open again with their text.
    if (hasDraft(context.drafts, `reply:${thread.id}`)) this.toggleReply();
    for (const comment of [thread, ...thread.replies]) {
      if (hasDraft(context.drafts, `edit:${comment.id}`)) this.startEdit(comment);
    }
  }

  get id(): string {
    return this.thread.id;
  }

  update(thread: Thread, group: ThreadGroup): void {
    this.thread = thread;
    this.group = group;
    this.render();
  }

  setActive(active: boolean): void {
    this.el.classList.toggle("thread-active", active);
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.notice.clear();
    try {
      await action();
    } catch (error) {
      this.notice.show(errorMessage(error));
    }
  }

  private resolve(): void {
    const variables = { commentId: this.thread.id };
    void this.run(async () => {
      const changed = this.thread.resolvedAt
        ? (await request(ReopenCommentDocument, variables)).reopenComment
        : (await request(ResolveCommentDocument, variables)).resolveComment;
      this.context.changed(changed);
    });
  }

  private remove(comment: Reply): void {
    void this.run(async () => {
      const sure = await confirmDialog({
        title: t("comments.thread.deleteTitle"),
        message: t("comments.thread.deleteMessage"),
        confirmLabel: t("comments.thread.delete"),
        danger: true,
      });
      if (!sure) return;
      const { deleteComment } = await request(DeleteCommentDocument, { commentId: comment.id });
      this.context.changed(deleteComment);
    });
  }

  private startEdit(comment: Reply): void {
    const box = composer({
      label: t("comments.thread.editLabel"),
      submitLabel: t("common.save"),
      members: this.context.members,
      initial: comment.body,
      testId: "edit-composer",
      draft: { key: `edit:${comment.id}`, store: this.context.drafts },
      onSubmit: async (body) => {
        const { editComment } = await request(EditCommentDocument, { commentId: comment.id, body });
        this.editing.delete(comment.id);
        this.context.changed(editComment);
      },
      onCancel: () => {
        this.editing.delete(comment.id);
        this.render();
      },
    });
    this.editing.set(comment.id, box);
    this.render();
    box.focus();
  }

  private toggleReply(): void {
    if (this.replyBox) {
      this.replyBox = null;
      this.context.drafts.delete(`reply:${this.thread.id}`);
      this.render();
      return;
    }
    this.replyBox = composer({
      label: t("comments.thread.reply"),
      submitLabel: t("comments.thread.reply"),
      members: this.context.members,
      testId: "reply-composer",
      draft: { key: `reply:${this.thread.id}`, store: this.context.drafts },
      onSubmit: async (body) => {
        const { replyToComment } = await request(ReplyToCommentDocument, { commentId: this.thread.id, body });
        this.replyBox = null;
        this.context.changed(replyToComment);
        // The box that had the focus is gone: keep the keyboard in the thread.
        this.el.focus({ preventScroll: true });
      },
      onCancel: () => {
        this.toggleReply();
        this.el.focus({ preventScroll: true }); // the box that had the focus is gone
      },
    });
    this.render();
    this.replyBox.focus();
  }

  private comment(comment: Reply, role: "root" | "reply"): HTMLElement {
    const box = this.editing.get(comment.id);
    const actions: HTMLElement[] = [];
    if (!comment.deleted && comment.viewerCanEdit && this.context.canComment && !box) {
      actions.push(h("button", { type: "button", class: "link-button", onclick: () => this.startEdit(comment) }, t("comments.thread.edit")));
    }
    if (!comment.deleted && comment.viewerCanDelete) {
      actions.push(h("button", { type: "button", class: "link-button", onclick: () => this.remove(comment) }, t("comments.thread.delete")));
    }
    return h(
      "div",
      { class: `comment comment-${role}`, "data-testid": "comment", "data-comment-id": comment.id },
      h(
        "div",
        { class: "comment-head" },
        h("span", { class: "comment-author" }, comment.author.name),
        timeElement(comment.createdAt),
        comment.editedAt && !comment.deleted ? h("span", { class: "comment-edited", title: t("comments.thread.editedAt", { time: exactTime(comment.editedAt) }) }, t("comments.thread.edited")) : null,
      ),
      box
        ? box.el
        : comment.deleted
          ? h("p", { class: "comment-body comment-deleted" }, t("comments.thread.deleted"))
          : h("p", { class: "comment-body", "data-testid": "comment-body" }, ...renderBody(comment.body)),
      actions.length ? h("div", { class: "comment-actions" }, ...actions) : null,
    );
  }

  private render(): void {
    const thread = this.thread;
    const resolved = thread.resolvedAt !== null;
    this.el.dataset.state = this.group;
    this.el.setAttribute("aria-label", t("comments.thread.by", { name: thread.author.name }));
    const quote = quoteOf(thread, this.group);
    if (quote?.tagName === "BUTTON") quote.addEventListener("click", () => this.context.select(this.thread));
    const actions: HTMLElement[] = [];
    if (this.context.canComment && !thread.deleted) {
      if (!resolved) actions.push(h("button", { type: "button", class: "button-quiet", onclick: () => this.toggleReply(), "aria-expanded": String(this.replyBox !== null) }, t("comments.thread.reply")));
      if (thread.viewerCanResolve) {
        actions.push(h("button", { type: "button", class: "button-quiet", "data-testid": resolved ? "reopen" : "resolve", onclick: () => this.resolve() }, resolved ? t("comments.thread.reopen") : t("comments.thread.resolve")));
      }
    }
    replaceChildren(
      this.el,
      quote,
      this.comment(thread, "root"),
      thread.replies.length ? h("div", { class: "replies" }, ...thread.replies.map((reply) => this.comment(reply, "reply"))) : null,
      resolved
        ? h(
            "p",
            { class: "thread-resolved", "data-testid": "resolved-by" },
            ...withNodes(t("comments.thread.resolvedBy", { name: thread.resolvedBy?.name ?? t("common.someone"), time: slot("time") }), {
              time: timeElement(thread.resolvedAt!),
            }),
          )
        : null,
      this.notice.el,
      actions.length ? h("div", { class: "thread-actions" }, ...actions) : null,
      this.replyBox && !resolved ? this.replyBox.el : null,
    );
  }
}
