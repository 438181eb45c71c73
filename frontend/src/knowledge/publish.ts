// Publishing a named version of a case as a knowledge asset (owners): a dialog with the title, summary, tags,
// audience and change note; then the preview, exactly what would be published with every masked span marked;
// only Confirm publishes. Resolves with the published asset, or null when the owner cancels.

import "../styles/dialogs.css";
import "../styles/knowledge.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { PreviewKnowledgeAssetDocument, PublishKnowledgeAssetDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { tagList } from "./card";
import { maskedPieces, maskedText } from "./masked";
import { AUDIENCES, parseTags, type AssetPreview, type AssetSummary, type Audience } from "./types";

export interface PublishSource {
  caseId: string;
  snapshotId: string;
  /** The version's name: the title proposed for a first publish. */
  name: string;
  /** The asset this case was last published as here: its title, summary, tags and audience proposed. */
  previous: AssetSummary | null;
}

export function publishDialog(source: PublishSource): Promise<AssetSummary | null> {
  return new Promise((resolve) => {
    const title = h("input", { name: "title", required: true, maxlength: 300, "data-testid": "publish-title" });
    const previous = source.previous;
    title.value = previous?.title ?? source.name;
    const summary = h("textarea", { name: "summary", rows: 3, maxlength: 2000, "data-testid": "publish-summary" });
    const tags = h("input", { name: "tags", maxlength: 450, placeholder: t("knowledge.publish.tagsPlaceholder"), "data-testid": "publish-tags" });
    const audience = h("select", { name: "audience", "data-testid": "publish-audience" }, ...AUDIENCES.map((a) => h("option", { value: a }, t(`knowledge.audience.${a}`))));
    if (previous) {
      summary.value = previous.summary;
      tags.value = previous.tags.join(", ");
      audience.value = previous.audience;
    }
    const changeNote = h("textarea", { name: "changeNote", rows: 2, maxlength: 1000, placeholder: t("knowledge.publish.changeNotePlaceholder"), "data-testid": "publish-change-note" });
    const notice = noticeArea();
    const previewButton = h("button", { type: "submit", class: "button-primary", "data-testid": "publish-preview" }, t("knowledge.publish.preview"));
    const cancel = h("button", { type: "button", class: "button-quiet", onclick: () => dialog.close() }, t("common.cancel"));
    const fields = h(
      "div",
      { class: "publish-fields" },
      h("label", {}, t("knowledge.publish.title"), title),
      h("label", {}, t("knowledge.publish.summary"), summary),
      h("label", {}, t("knowledge.publish.tags"), tags),
      h("label", {}, t("knowledge.publish.audience"), audience),
      h("label", {}, t("knowledge.publish.changeNote"), changeNote),
    );
    const previewBox = h("div", { class: "publish-preview", "data-testid": "publish-preview-box", hidden: true });
    const back = h("button", { type: "button", class: "button-quiet", hidden: true, "data-testid": "publish-back" }, t("knowledge.publish.back"));
    const confirm = h("button", { type: "button", class: "button-primary", hidden: true, "data-testid": "confirm" }, t("knowledge.publish.confirm"));
    const heading = h("h2", { id: "publish-heading" }, t("knowledge.publish.heading"));
    const form = h("form", { class: "dialog-form" }, heading, h("p", { class: "hint" }, t("knowledge.publish.intro")), fields, previewBox, notice.el, h("div", { class: "dialog-actions" }, cancel, back, previewButton, confirm));
    const dialog = h("dialog", { class: "confirm-dialog form-dialog publish-dialog", "aria-labelledby": "publish-heading", "data-testid": "publish-dialog" }, form);
    let answer: AssetSummary | null = null;

    const draft = (): { caseId: string; snapshotId: string; title: string; summary: string; tags: string[] } => ({
      caseId: source.caseId,
      snapshotId: source.snapshotId,
      title: title.value.trim(),
      summary: summary.value.trim(),
      tags: parseTags(tags.value),
    });

    function step(previewing: boolean): void {
      fields.hidden = previewing;
      previewBox.hidden = !previewing;
      previewButton.hidden = previewing;
      back.hidden = !previewing;
      confirm.hidden = !previewing;
      heading.textContent = t(previewing ? "knowledge.publish.previewHeading" : "knowledge.publish.heading");
      (previewing ? confirm : title).focus();
    }

    function showPreview(preview: AssetPreview): void {
      const masks = preview.titleSpans.length + preview.summarySpans.length + preview.textSpans.length;
      replaceChildren(
        previewBox,
        h("p", { class: "hint", "data-testid": "preview-mask-count" }, masks ? t("knowledge.publish.masked", { count: masks }) : t("knowledge.publish.nothingMasked")),
        h("h3", { class: "asset-title", "data-testid": "preview-title", translate: "no" }, ...maskedPieces(preview.title, preview.titleSpans)),
        preview.summary ? h("p", { class: "asset-summary", "data-testid": "preview-summary", translate: "no" }, ...maskedPieces(preview.summary, preview.summarySpans)) : null,
        tagList(preview.tags),
        h("p", { class: "hint" }, t(`knowledge.audience.${audience.value as Audience}`)),
        maskedText(preview.text, preview.textSpans),
      );
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      notice.clear();
      previewButton.disabled = true;
      request(PreviewKnowledgeAssetDocument, { input: draft() })
        .then(({ previewKnowledgeAsset }) => {
          showPreview(previewKnowledgeAsset);
          step(true);
        })
        .catch((error: unknown) => notice.show(errorMessage(error)))
        .finally(() => {
          previewButton.disabled = false;
        });
    });
    back.addEventListener("click", () => {
      notice.clear();
      step(false);
    });
    confirm.addEventListener("click", () => {
      notice.clear();
      confirm.disabled = true;
      request(PublishKnowledgeAssetDocument, { input: { ...draft(), audience: audience.value as Audience, changeNote: changeNote.value.trim() } })
        .then(({ publishKnowledgeAsset }) => {
          answer = publishKnowledgeAsset;
          dialog.close();
        })
        .catch((error: unknown) => {
          notice.show(errorMessage(error));
          confirm.disabled = false;
        });
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    title.focus();
  });
}
