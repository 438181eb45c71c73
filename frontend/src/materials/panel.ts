// The war room's "Materials" tab: raw customer files, stored encrypted. Members read redacted summaries;
// the content opens only through a request that the case's owner and legal both agree to (issue 16).

import "../styles/materials.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { CaseMaterialsDocument, UpdateMaterialSummaryDocument, type MaterialFieldsFragment as Material } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";
import type { Room } from "../warroom/room";
import { accessSection } from "./access";
import { uploadForm } from "./upload";

const POLL_MS = 1500;
const MASK = /[^\s*]*\*{2,}[^\s,，。;；]*/g;

function size(bytes: number): string {
  if (bytes < 1024) return t("materials.size.bytes", { value: formatNumber(bytes) });
  if (bytes < 2 ** 20) return t("materials.size.kib", { value: formatNumber(bytes / 1024, { maximumFractionDigits: 1 }) });
  return t("materials.size.mib", { value: formatNumber(bytes / 2 ** 20, { maximumFractionDigits: 1 }) });
}

/** The summary with each masked part marked, so readers see what was hidden. */
function summaryText(summary: string): HTMLElement {
  const el = h("p", { class: "material-summary", "data-testid": "material-summary" });
  let last = 0;
  for (const match of summary.matchAll(MASK)) {
    const masked = match[0].replace(/[.。]+$/, ""); // the sentence's full stop is not part of it
    el.append(summary.slice(last, match.index), h("mark", { class: "masked", title: t("materials.masked") }, masked));
    last = (match.index ?? 0) + masked.length;
  }
  el.append(summary.slice(last));
  return el;
}

/** The uploader rewords the summary (the server audits it); the masks are theirs to keep. */
function summaryEditor(material: Material, shown: HTMLElement, changed: () => void): HTMLElement {
  const open = h("button", { type: "button", class: "button-quiet", "data-testid": "material-summary-edit" }, t("materials.summaryEdit.open"));
  const text = h("textarea", { name: "summary", rows: 5, required: true, maxlength: 4000 });
  const save = h("button", { type: "submit", class: "button-primary" }, t("materials.summaryEdit.save"));
  const cancel = h("button", { type: "button", class: "button-quiet" }, t("common.cancel"));
  const notice = noticeArea();
  const form = h(
    "form",
    { class: "material-summary-form", hidden: true, "aria-label": t("materials.summaryEdit.label") },
    h("label", {}, t("materials.summaryEdit.field"), text),
    h("div", { class: "form-actions" }, save, cancel),
    notice.el,
  );
  open.addEventListener("click", () => {
    text.value = material.summary;
    open.hidden = true;
    shown.hidden = true;
    form.hidden = false;
    text.focus();
  });
  cancel.addEventListener("click", () => {
    form.hidden = true;
    open.hidden = false;
    shown.hidden = false;
    notice.clear();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save.disabled = true;
    notice.clear();
    request(UpdateMaterialSummaryDocument, { id: material.id, summary: text.value.trim() })
      .then(changed)
      .catch((error: unknown) => {
        notice.show(errorMessage(error));
        save.disabled = false;
      });
  });
  return h("div", { class: "material-summary-editor" }, open, form);
}

function row(material: Material, room: Room, changed: () => void): HTMLElement {
  const summary =
    material.summaryStatus === "PENDING"
      ? h("p", { class: "hint", "data-testid": "material-summary-pending" }, t("materials.summaryPending"))
      : material.summaryStatus === "FAILED"
        ? h("p", { class: "hint" }, t("materials.summaryFailed"))
        : summaryText(material.summary);
  const editable = material.summaryStatus !== "PENDING" && material.uploadedBy?.id === room.me.id;
  return h(
    "li",
    { class: "material", "data-testid": "material", "data-material-id": material.id },
    h("p", { class: "material-name" }, material.name),
    h(
      "p",
      { class: "hint" },
      `${material.contentType.split(";")[0]} · ${size(material.size)} · ${material.uploadedBy?.name ?? "—"} · `,
      timeElement(material.uploadedAt),
    ),
    material.note ? h("p", { class: "material-note" }, material.note) : null,
    summary,
    editable ? summaryEditor(material, summary, changed) : null,
    accessSection(room, material.id, material.name),
  );
}

export function materialsPanel(room: Room): HTMLElement {
  const list = h("ul", { class: "material-list", "data-testid": "material-list" });
  const notice = noticeArea();
  let timer: number | undefined;
  let disposed = false;
  room.onDispose(() => {
    disposed = true;
    window.clearTimeout(timer);
  });

  async function load(): Promise<void> {
    window.clearTimeout(timer);
    try {
      const { case: item } = await request(CaseMaterialsDocument, { caseId: room.item.id });
      if (disposed) return;
      const materials = item.materials;
      replaceChildren(list, ...(materials.length ? materials.map((material) => row(material, room, () => void load())) : [h("li", { class: "empty" }, t("materials.empty"))]));
      notice.clear();
      // A summary is written seconds after the upload: look again until none is pending.
      if (materials.some((material) => material.summaryStatus === "PENDING")) timer = window.setTimeout(() => void load(), POLL_MS);
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }
  void load();

  const canUpload = room.item.myRole === "OWNER" || room.item.myRole === "EDITOR";
  const el = h(
    "div",
    { class: "materials" },
    h("p", { class: "hint" }, t("materials.intro")),
    canUpload ? uploadForm(room.item.id, () => void load()) : h("p", { class: "hint", "data-testid": "material-no-upload" }, t("materials.uploadNotAllowed")),
    notice.el,
    list,
  );
  return el;
}
