// The war room of one case: live editor, presence, connection state, members and the side panel.

import type { Editor } from "@tiptap/core";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { CaseDocument } from "../api/generated/graphql";
import { canEdit, type CaseDetail } from "../api/types";
import { commentsTab } from "../comments/panel";
import { contributionPanel } from "../heatmaps/panel";
import { painPointsPanel } from "../painpoints/panel";
import { getToken, getUser } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";
import { versionsTab } from "../versions/panel";
import { colorFor } from "../warroom/colors";
import { connectionIndicator } from "../warroom/connection";
import { createEditor } from "../warroom/editor";
import { membersDialog } from "../warroom/members";
import { presenceAvatars } from "../warroom/presence";
import type { Room } from "../warroom/room";
import { sidePanel } from "../warroom/side-panel";
import { connectCase } from "../warroom/sync";
import { toolbar } from "../warroom/toolbar";

const ROLE_HINTS: Record<string, string> = {
  COMMENTER: "You can read and comment; only owners and editors change the text.",
  VIEWER: "You can read this case; only owners and editors change the text.",
};

/** "VIEWER" as "Viewer". */
function roleName(role: string): string {
  return role.charAt(0) + role.slice(1).toLowerCase();
}

function panelTabs(room: Room, editorHost: HTMLElement): HTMLElement {
  return sidePanel([
    commentsTab(room, editorHost),
    versionsTab(room),
    { id: "pain-points", label: "Pain points", render: () => painPointsPanel(room) },
    { id: "contribution", label: "Contribution", render: () => contributionPanel(room) },
  ]);
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
      h("span", { class: `badge role-${item.myRole.toLowerCase()}`, "data-testid": "my-role" }, item.myRole),
    ),
    h("div", { class: "room-status" }, ...extras),
  );
}

export function warRoomPage(caseId: string): Page {
  const el = h("div", { class: "warroom" }, h("p", { class: "loading" }, "Opening the case…"));
  const cleanups: (() => void)[] = [];
  let disposed = false;

  let opening = 0;

  /** Builds the room; `roleChanged` when it is built again because the server said my role changed. */
  async function open(roleChanged = false): Promise<void> {
    const attempt = ++opening;
    let item: CaseDetail;
    try {
      item = (await request(CaseDocument, { id: caseId })).case;
    } catch (error) {
      if (attempt !== opening) return;
      release();
      replaceChildren(el, h("p", { class: "notice notice-error", role: "alert" }, errorMessage(error)), h("a", { href: "#/cases" }, "Back to my cases"));
      return;
    }
    const token = getToken();
    const me = getUser();
    if (disposed || attempt !== opening || !token || !me) return;
    // A role change starts over on a fresh Y.Doc: updates the server dropped (or will now refuse) must not
    // stay in this tab's document, where later edits would depend on them and never apply anywhere else.
    release();
    document.title = `${item.title} · Warroom`;

    const sync = connectCase(item.id);
    cleanups.push(() => sync.destroy());
    const editorHost = h("div", { class: "editor", "data-testid": "editor" });
    const editor: Editor = createEditor({
      element: editorHost,
      doc: sync.doc,
      provider: sync.provider,
      user: { id: me.id, name: me.name, color: colorFor(me.id) },
    });
    cleanups.unshift(() => editor.destroy());

    const notice = noticeArea();
    const connection = connectionIndicator(
      sync.provider,
      (message) => {
        notice.show(message);
        editor.setEditable(false);
      },
      () => {
        editor.setEditable(false); // until the room is open again under the new role
        void open(true);
      },
    );
    const presence = presenceAvatars(sync.provider.awareness, me.id);
    const tools = toolbar(editor);
    cleanups.push(connection.dispose, presence.dispose, tools.dispose);

    // Editing starts once the server's state has arrived, so nobody types into a blank page that is
    // about to fill up (and two people opening an empty case do not each create a first paragraph).
    const editable = canEdit(item.myRole);
    const whenSynced = (synced: boolean): void => {
      if (!synced) return;
      sync.provider.off("sync", whenSynced);
      editor.setEditable(editable);
    };
    sync.provider.on("sync", whenSynced);

    const dialog = membersDialog(item.id, item.members, item.myRole === "OWNER");
    const membersButton = h("button", { type: "button", class: "button-quiet", onclick: () => dialog.showModal() }, "Members");
    const hint = ROLE_HINTS[item.myRole];

    replaceChildren(
      el,
      header(item, [presence.el, connection.el, membersButton]),
      notice.el,
      h(
        "div",
        { class: "room-body" },
        h(
          "section",
          { class: "document", "data-editable": String(editable) },
          hint ? h("p", { class: "hint read-only-hint", "data-testid": "read-only" }, hint) : null,
          tools.el,
          editorHost,
        ),
        panelTabs({ item, me, editor, sync, onDispose: (cleanup) => cleanups.push(cleanup) }, editorHost),
      ),
      dialog,
    );
    if (roleChanged) notice.show(`Your role in this case changed to ${roleName(item.myRole)}.`, "info");
  }

  function release(): void {
    for (const cleanup of cleanups.splice(0)) cleanup();
  }

  void open();
  return {
    el,
    dispose() {
      disposed = true;
      document.title = "Warroom";
      release();
    },
  };
}
