// The war room's versions tab: a timeline of automatic and named versions; name, preview, what changed since
// (a few lines here; the changes themselves full width: pages/compare.ts), restore (owners and editors); live
// through snapshotEvents.

import "../styles/versions.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { subscribe } from "../api/subscriptions";
import {
  CreateSnapshotDocument,
  RestoreSnapshotDocument,
  SnapshotDiffDocument,
  SnapshotDocument,
  SnapshotEventsDocument,
  SnapshotsDocument,
} from "../api/generated/graphql";
import { canEdit } from "../api/types";
import { publishDialog } from "../knowledge/publish";
import type { AssetSummary } from "../knowledge/types";
import { comparePath, knowledgePath } from "../router";
import { confirmDialog } from "../ui/confirm";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { exactTime, timeElement } from "../ui/time";
import type { PanelTab } from "../warroom/side-panel";
import type { Room } from "../warroom/room";
import { diffBrief } from "./diff";
import { versionText } from "./text";
import type { Snapshot, SnapshotEvent } from "./types";

const PAGE_SIZE = 20;

function nameOf(snapshot: Snapshot): string {
  return snapshot.label ?? t("versions.automaticVersion");
}

type View = "preview" | "diff";

export function versionsTab(room: Room): PanelTab {
  return { id: "versions", label: t("warroom.tabs.versions"), render: () => versionsPanel(room) };
}

function versionsPanel(room: Room): HTMLElement {
  const caseId = room.item.id;
  const writer = canEdit(room.item.myRole);
  // Owners publish a named version as a knowledge asset (knowledge/publish.ts).
  const owner = room.item.myRole === "OWNER";
  const snapshots = new Map<string, Snapshot>();
  const open = new Map<string, View>();
  let after: string | null = null;

  const notice = noticeArea();
  // The asset a publish from here made or added a version to, linked.
  let lastPublished: AssetSummary | null = null;
  const published = h("p", { class: "notice notice-info", role: "status", "data-testid": "published-asset", hidden: true });
  const list = h("ol", { class: "version-list", "data-testid": "versions" });
  const empty = h("p", { class: "empty" }, t("versions.empty"));
  const more = h("button", { type: "button", class: "button-quiet", hidden: true, onclick: () => void load() }, t("versions.older"));

  function put(snapshot: Snapshot): void {
    snapshots.set(snapshot.id, snapshot);
  }

  function render(): void {
    const sorted = [...snapshots.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    const rows = sorted.map((snapshot) => rowById.get(snapshot.id) ?? row(snapshot));
    replaceChildren(list, ...rows);
    empty.hidden = sorted.length > 0;
  }

  // Rows are kept so an open preview or diff survives a new version arriving.
  const rowById = new Map<string, HTMLElement>();

  function row(snapshot: Snapshot): HTMLElement {
    const viewer = h("div", { class: "version-view", "data-testid": "version-view", hidden: true });
    const buttons: Record<View, HTMLButtonElement> = {
      preview: h("button", { type: "button", class: "link-button", "aria-expanded": "false", onclick: () => toggle("preview", () => preview(snapshot)) }, t("versions.preview")),
      diff: h("button", { type: "button", class: "link-button", "aria-expanded": "false", onclick: () => toggle("diff", () => compare(snapshot)) }, t("versions.compare")),
    };
    const toggle = (view: View, load: () => Promise<HTMLElement>): void => {
      const shown = open.get(snapshot.id) === view ? null : view;
      for (const [name, button] of Object.entries(buttons)) button.setAttribute("aria-expanded", String(name === shown));
      if (shown === null) {
        open.delete(snapshot.id);
        viewer.hidden = true;
        return;
      }
      open.set(snapshot.id, view);
      viewer.hidden = false;
      replaceChildren(viewer, h("p", { class: "loading" }, t("common.loading")));
      load()
        .then((content) => {
          if (open.get(snapshot.id) === view) replaceChildren(viewer, content);
        })
        .catch((error: unknown) => replaceChildren(viewer, h("p", { class: "notice notice-error", role: "alert" }, errorMessage(error))));
    };
    const by = snapshot.author ? `${snapshot.author.name} · ` : "";
    const el = h(
      "li",
      { class: "version", "data-testid": "version", "data-snapshot-id": snapshot.id, "data-kind": snapshot.kind },
      h(
        "div",
        { class: "version-head" },
        h("span", { class: "version-name", "data-testid": "version-name" }, nameOf(snapshot)),
        h("span", { class: `badge kind-${snapshot.kind.toLowerCase()}` }, t(`versions.kinds.${snapshot.kind}`)),
      ),
      h("div", { class: "version-meta" }, by, timeElement(snapshot.createdAt)),
      h(
        "div",
        { class: "version-actions" },
        buttons.preview,
        buttons.diff,
        h("a", { class: "link-button", href: `#${comparePath(caseId, snapshot.id)}`, "data-testid": "open-compare", title: t("versions.full.openTip") }, t("versions.full.open")),
        writer ? h("button", { type: "button", class: "link-button", onclick: () => void restore(snapshot) }, t("versions.restore")) : null,
        owner && snapshot.kind === "NAMED"
          ? h("button", { type: "button", class: "link-button", "data-testid": "publish-version", onclick: () => void publish(snapshot) }, t("knowledge.publish.button"))
          : null,
      ),
      viewer,
    );
    rowById.set(snapshot.id, el);
    return el;
  }

  async function preview(snapshot: Snapshot): Promise<HTMLElement> {
    const { snapshot: full } = await request(SnapshotDocument, { id: snapshot.id });
    return full.text.trim() ? versionText(full.text, full.headings) : h("p", { class: "empty" }, t("versions.emptyVersion"));
  }

  async function compare(snapshot: Snapshot): Promise<HTMLElement> {
    const { snapshotDiff } = await request(SnapshotDiffDocument, { fromId: snapshot.id });
    return diffBrief(snapshotDiff, `#${comparePath(caseId, snapshot.id)}`);
  }

  async function publish(snapshot: Snapshot): Promise<void> {
    notice.clear();
    const asset = await publishDialog({ caseId, snapshotId: snapshot.id, name: nameOf(snapshot), previous: lastPublished });
    if (!asset) return;
    lastPublished = asset;
    replaceChildren(
      published,
      t("knowledge.publish.done", { version: asset.version }),
      h("a", { href: `#${knowledgePath(asset.id)}`, "data-testid": "published-asset-link" }, asset.title),
    );
    published.hidden = false;
  }

  async function restore(snapshot: Snapshot): Promise<void> {
    notice.clear();
    const sure = await confirmDialog({
      title: t("versions.restoreTitle", { name: nameOf(snapshot) }),
      message: t("versions.restoreMessage", { time: exactTime(snapshot.createdAt) }),
      confirmLabel: t("versions.restore"),
      testId: "restore-dialog",
    });
    if (!sure) return;
    try {
      const { restoreSnapshot } = await request(RestoreSnapshotDocument, { snapshotId: snapshot.id });
      put(restoreSnapshot.before);
      render();
      notice.show(
        restoreSnapshot.changed
          ? t("versions.restored", { name: nameOf(snapshot) })
          : t("versions.alreadyRead", { name: nameOf(snapshot) }),
        "info",
      );
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  function nameForm(): HTMLElement {
    const label = h("input", { type: "text", maxlength: 200, placeholder: t("versions.namePlaceholder"), "aria-label": t("versions.name"), required: true, "data-testid": "version-label" });
    const save = h("button", { type: "submit", class: "button-primary" }, t("versions.nameThis"));
    const form = h("form", { class: "name-version" }, label, save);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      notice.clear();
      save.disabled = true;
      request(CreateSnapshotDocument, { caseId, label: label.value })
        .then(({ createSnapshot }) => {
          put(createSnapshot);
          render();
          label.value = "";
          notice.show(t("versions.named", { name: nameOf(createSnapshot) }), "info");
        })
        .catch((error: unknown) => notice.show(errorMessage(error)))
        .finally(() => {
          save.disabled = false;
        });
    });
    return form;
  }

  async function load(): Promise<void> {
    more.disabled = true;
    try {
      const { snapshots: page } = await request(SnapshotsDocument, { caseId, first: PAGE_SIZE, after });
      for (const snapshot of page.nodes) put(snapshot);
      after = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      render();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  function onEvent(event: SnapshotEvent): void {
    put(event.snapshot);
    if (event.before) put(event.before);
    render();
    if (event.kind === "RESTORED" && event.actor && event.actor.id !== room.me.id) {
      notice.show(t("versions.restoredBy", { actor: event.actor.name, name: nameOf(event.snapshot) }), "info");
    }
  }

  room.onDispose(
    subscribe(SnapshotEventsDocument, { caseId }, {
      next: ({ snapshotEvents }) => onEvent(snapshotEvents),
      error: (message) => notice.show(message),
    }),
  );
  void load();

  const el = h(
    "div",
    { class: "versions-panel", "data-testid": "versions-panel" },
    writer ? nameForm() : h("p", { class: "hint" }, t("versions.readOnly")),
    notice.el,
    published,
    list,
    empty,
    more,
  );
  return el;
}
