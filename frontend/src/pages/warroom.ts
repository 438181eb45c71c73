// The war room of one case: live editor, presence, connection state, members and the side panel.
// The document (Y.Doc, socket, editor) lives as long as the page; what surrounds it is built again when the
// language changes, so the text of the document, offline edits included, and the open tabs stay.

import type { Editor } from "@tiptap/core";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { CaseDocument } from "../api/generated/graphql";
import { canEdit, type CaseDetail, type CaseRole, type User } from "../api/types";
import { findPassagesByQuote } from "../comments/anchor";
import { commentsTab, openThreadWhenReady } from "../comments/panel";
import { contributionPanel } from "../heatmaps/panel";
import { t } from "../i18n";
import { materialsPanel } from "../materials/panel";
import { painPointsPanel } from "../painpoints/panel";
import type { CaseFocus, Route } from "../router";
import { knowledgePath } from "../router";
import { getToken, getUser } from "../session";
import { keepFields, restoreFields } from "../ui/carry-over";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";
import { versionsTab } from "../versions/panel";
import { colorFor } from "../warroom/colors";
import { closeMessage, connectionIndicator, type RoomClose } from "../warroom/connection";
import { readCaretFromPage } from "../warroom/caret-from-page";
import { createEditor } from "../warroom/editor";
import { accessVia } from "../warroom/access-via";
import { editCase } from "../warroom/edit-case";
import { followMaskedCopy } from "../warroom/masked-copy";
import { membersDialog } from "../warroom/members";
import { outline } from "../warroom/outline";
import { presenceAvatars } from "../warroom/presence";
import type { Room } from "../warroom/room";
import { sidePanel, type PanelState, type PanelTab, type SidePanel } from "../warroom/side-panel";
import { connectCase, type CaseSync } from "../warroom/sync";
import { toolbar } from "../warroom/toolbar";

/** The open room: what outlives a change of language. */
interface Live {
  item: CaseDetail;
  me: User;
  sync: CaseSync;
  editor: Editor;
  editorHost: HTMLElement;
  drafts: Map<string, unknown>;
  closed: RoomClose | null;
  /** A masked copy the server stopped sending (the policy that showed the case ended). */
  copyEnded?: boolean;
}

/** Cleanups that run once: a cleanup added after `dispose` runs at once. */
interface Scope {
  add: (cleanup: () => void) => void;
  dispose: () => void;
}

function scope(): Scope {
  let cleanups: (() => void)[] | null = [];
  return {
    add(cleanup) {
      if (cleanups) cleanups.push(cleanup);
      else cleanup();
    },
    dispose() {
      const list = cleanups ?? [];
      cleanups = null;
      for (const cleanup of list) cleanup();
    },
  };
}

function roleHint(role: CaseRole): string | null {
  if (role === "COMMENTER") return t("warroom.hint.commenter");
  if (role === "VIEWER") return t("warroom.hint.viewer");
  return null;
}

function loading(): HTMLElement {
  return h("p", { class: "loading" }, t("app.openingCase"));
}

function panelTabs(room: Room, editorHost: HTMLElement, marginHost: HTMLElement): PanelTab[] {
  return [
    commentsTab(room, editorHost, marginHost),
    versionsTab(room),
    { id: "pain-points", label: t("warroom.tabs.painPoints"), render: () => painPointsPanel(room) },
    { id: "contribution", label: t("warroom.tabs.contribution"), render: () => contributionPanel(room.item.id, room.onDispose) },
    { id: "materials", label: t("warroom.tabs.materials"), render: () => materialsPanel(room) },
  ];
}

/** The knowledge asset (and its version) the case was started from, linked, while the person may read it. */
function startedFrom(item: CaseDetail): HTMLElement | null {
  const origin = item.startedFrom;
  if (!origin?.asset) return null;
  return h(
    "span",
    { class: "room-origin hint", "data-testid": "started-from" },
    t("warroom.startedFrom", { version: origin.version }),
    h("a", { href: `#${knowledgePath(origin.asset.id)}`, translate: "no" }, origin.asset.title),
  );
}

function header(item: CaseDetail, extras: HTMLElement[]): HTMLElement {
  return h(
    "header",
    { class: "room-head" },
    h(
      "div",
      { class: "room-title" },
      h("h1", {}, item.title),
      h("span", { class: "room-customer" }, item.customer),
      item.region ? h("span", { class: "badge", translate: "no", "data-testid": "case-region", title: t("cases.region") }, item.region) : null,
      h("span", { class: `badge role-${item.myRole.toLowerCase()}`, "data-testid": "my-role" }, t(`roles.case.${item.myRole}`)),
      item.archivedAt ? h("span", { class: "badge badge-archived", "data-testid": "archived" }, t("cases.archivedBadge")) : null,
      accessVia(item),
      startedFrom(item),
    ),
    h("div", { class: "room-status" }, ...extras),
  );
}

/** The war room of a case; `focus` (from a link such as the inbox's) opens a thread or a tab once. */
export function warRoomPage(caseId: string, focus: CaseFocus = { thread: null, tab: null }): Page {
  const el = h("div", { class: "warroom" }, loading());
  let documentScope: Scope = scope(); // the socket and the editor
  let ui: Scope = scope(); // everything built around them
  let live: Live | null = null;
  let panel: SidePanel | null = null;
  let failure: { error: unknown } | null = null;
  let disposed = false;
  let opening = 0;
  let focused = false;

  function showFailure(error: unknown): void {
    replaceChildren(el, h("p", { class: "notice notice-error", role: "alert" }, errorMessage(error)), h("a", { href: "#/cases" }, t("warroom.backToCases")));
  }

  /** Builds what surrounds the document; returns its notice area. */
  function build(room: Live, state?: PanelState): ReturnType<typeof noticeArea> {
    const notice = noticeArea();
    const connection = connectionIndicator(room.sync.provider, {
      closed: room.closed,
      onClosed: (close) => {
        room.closed = close;
        notice.show(closeMessage(close));
        room.editor.setEditable(false);
      },
      onRoleChanged: () => {
        room.editor.setEditable(false); // until the room is open again under the new role
        void open(true);
      },
    });
    const presence = presenceAvatars(room.sync.provider.awareness, room.me.id);
    const tools = toolbar(room.editor);
    const contents = outline(room.editor);
    ui.add(connection.dispose);
    ui.add(presence.dispose);
    ui.add(tools.dispose);
    ui.add(contents.dispose);

    const editable = canEdit(room.item.myRole);
    const dialog = membersDialog(room.item.id, room.item.members, room.item.myRole === "OWNER", (members) => {
      room.item = { ...room.item, members };
    });
    const membersButton = h("button", { type: "button", class: "button-quiet", "data-testid": "members-button", onclick: () => dialog.showModal() }, t("warroom.members.button"));
    const editButton =
      room.item.myRole === "OWNER"
        ? h("button", { type: "button", class: "button-quiet", "data-testid": "edit-case", onclick: () => void edit(room) }, t("warroom.editCase.button"))
        : null;
    const hint = roleHint(room.item.myRole);
    // Only masking policies open the case: the redacted read-only copy, not the live document.
    const maskedBy = room.item.customerMaskedBy;
    const maskNote =
      maskedBy.length > 0
        ? h("p", { class: "notice notice-info", role: "note", "data-testid": "masked-by" }, t("warroom.maskedBy", { names: maskedBy.join(", ") }))
        : null;
    const tabs: Room = {
      item: room.item,
      me: room.me,
      editor: room.editor,
      sync: room.sync,
      drafts: room.drafts,
      onDispose: ui.add,
    };
    // The comments margin sits beside the text, in the document's own flow: its cards scroll with it.
    const marginHost = h("aside", {});
    const page = h("div", { class: "document-page" }, room.editorHost, marginHost);
    panel = sidePanel(panelTabs(tabs, room.editorHost, marginHost), state);

    replaceChildren(
      el,
      header(room.item, [presence.el, ...(maskNote ? [] : [connection.el]), membersButton, ...(editButton ? [editButton] : [])]),
      notice.el,
      h(
        "div",
        { class: "room-body" },
        h(
          "section",
          { class: "document", "data-editable": String(editable) },
          hint ? h("p", { class: "hint read-only-hint", "data-testid": "read-only" }, hint) : null,
          maskNote,
          tools.el,
          h("div", { class: "document-body" }, contents.el, page),
        ),
        panel.el,
      ),
      dialog,
    );
    if (room.closed) notice.show(closeMessage(room.closed));
    else if (room.copyEnded) notice.show(t("warroom.maskedCopyEnded"));
    return notice;
  }

  /** Opens the room; `roleChanged` when it is opened again because the server said my role changed. */
  async function open(roleChanged = false): Promise<void> {
    const attempt = ++opening;
    let item: CaseDetail;
    try {
      item = (await request(CaseDocument, { id: caseId })).case;
    } catch (error) {
      if (attempt !== opening) return;
      release();
      failure = { error };
      showFailure(error);
      return;
    }
    const token = getToken();
    const me = getUser();
    if (disposed || attempt !== opening || !token || !me) return;
    // A role change starts over on a fresh Y.Doc: updates the server dropped (or will now refuse) must not
    // stay in this tab's document, where later edits would depend on them and never apply anywhere else.
    release();
    failure = null;
    document.title = `${item.title} · Warroom`;

    const masked = item.customerMaskedBy.length > 0 ? item.maskedDocument ?? null : null;
    const sync = connectCase(item.id, masked);
    const editorHost = h("div", { class: "editor", "data-testid": "editor" });
    const editor = createEditor({
      element: editorHost,
      doc: sync.doc,
      provider: sync.provider,
      user: { id: me.id, name: me.name, color: colorFor(me.id) },
    });
    // The editor goes before the document it is bound to.
    documentScope.add(() => editor.destroy());
    documentScope.add(() => sync.destroy());
    const room: Live = { item, me, sync, editor, editorHost, drafts: new Map(), closed: null };
    live = room;

    // Editing starts once the server's state has arrived, so nobody types into a blank page that is
    // about to fill up (and two people opening an empty case do not each create a first paragraph).
    const whenSynced = (synced: boolean): void => {
      if (!synced) return;
      sync.provider.off("sync", whenSynced);
      if (!room.closed) editor.setEditable(canEdit(room.item.myRole));
    };
    sync.provider.on("sync", whenSynced);

    let state: PanelState | undefined;
    if (!focused) {
      focused = true;
      if (focus.thread) openThreadWhenReady(room.drafts, focus.thread);
      const tab = focus.tab ?? (focus.thread ? "comments" : null);
      if (tab) state = { selected: tab, opened: [] };
    }
    // A masked copy's positions are not the live document's: threads find their passages by quote.
    if (masked !== null) findPassagesByQuote(editor);
    const notice = build(room, state);
    // A masked copy never syncs, and so never gets the label a sync's update applies: set it here.
    if (masked !== null) {
      // Members' edits reach the copy as the server sends it again, redacted.
      documentScope.add(
        followMaskedCopy(item.id, sync.doc, masked, () => {
          if (live !== room || room.copyEnded) return;
          room.copyEnded = true;
          rebuild(room);
        }),
      );
      editor.view.dispatch(editor.state.tr);
      editor.view.dom.setAttribute("aria-label", t("warroom.editor.label"));
      editor.view.dom.setAttribute("role", "textbox");
    }
    if (roleChanged) notice.show(t("warroom.roleChanged", { role: t(`roles.caseName.${item.myRole}`) }), "info");
  }

  function release(): void {
    ui.dispose();
    ui = scope();
    documentScope.dispose();
    documentScope = scope();
    live = null;
    panel = null;
  }

  /** What surrounds the document built again (the document stays); returns its notice area. */
  function rebuild(room: Live): ReturnType<typeof noticeArea> {
    const kept = keepFields(el);
    const state = panel?.state();
    ui.dispose();
    ui = scope();
    const notice = build(room, state);
    restoreFields(el, kept);
    // The editor's placeholder and label are read on each update: this one shows them in the new language.
    if (!room.editor.isDestroyed) {
      readCaretFromPage(room.editor);
      room.editor.view.dispatch(room.editor.state.tr);
    }
    return notice;
  }

  async function edit(room: Live): Promise<void> {
    const saved = await editCase(room.item);
    if (!saved || live !== room) return;
    room.item = { ...room.item, ...saved };
    document.title = `${saved.title} · Warroom`;
    rebuild(room).show(t("warroom.editCase.done"), "info");
  }

  void open();
  return {
    el,
    dispose() {
      disposed = true;
      document.title = "Warroom";
      release();
    },
    follow(route: Route) {
      // A link that says more than a thread or a tab (the wallet's `painPoint`) builds the room anew.
      if (route.page !== "case" || route.caseId !== caseId || !live || !panel) return false;
      const query = new URLSearchParams(location.hash.split("?", 2)[1] ?? "");
      if ([...query.keys()].some((key) => key !== "thread" && key !== "tab")) return false;
      const tab = route.focus.tab ?? (route.focus.thread ? "comments" : null);
      if (tab) panel.select(tab);
      if (route.focus.thread) openThreadWhenReady(live.drafts, route.focus.thread);
      return true;
    },
    relocalize() {
      if (!live) {
        if (failure) showFailure(failure.error);
        else replaceChildren(el, loading());
        return;
      }
      rebuild(live);
    },
  };
}
