// Uploading raw material: POST /cases/{id}/materials as multipart, with a progress bar and a cancel button.
// XMLHttpRequest, because fetch reports no upload progress.

import { getToken } from "../session";
import { translate, t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";

function mebibytes(bytes: number): string {
  return formatNumber(bytes / 2 ** 20, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

/** The server's refusal as a sentence in the UI's language: by its code, else its own message. */
function refusal(status: number, body: string): string {
  let code = "";
  let message = "";
  let maxBytes: number | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string; maxBytes?: number } };
    code = parsed.error?.code ?? "";
    message = parsed.error?.message ?? "";
    maxBytes = parsed.error?.maxBytes;
  } catch {
    // not JSON: a proxy's page; the status says enough
  }
  if (status === 413 && maxBytes !== undefined) return translate("materials.upload.errors.PAYLOAD_TOO_LARGE", { max: formatNumber(maxBytes / 2 ** 20, { maximumFractionDigits: 1 }) });
  const key = `materials.upload.errors.${code}`;
  const known = ["UNSUPPORTED_MEDIA_TYPE", "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED", "BAD_INPUT"];
  if (known.includes(code)) return translate(key, { message });
  return translate("materials.upload.errors.other", { status });
}

/** The upload form; `onUploaded` hears the new material's id. */
export function uploadForm(caseId: string, onUploaded: (id: string) => void): HTMLElement {
  const file = h("input", { type: "file", name: "file", required: true, "data-testid": "material-file" });
  const transcript = h("input", { type: "file", name: "transcript", accept: ".srt,.vtt,.txt" });
  const note = h("input", { name: "note", maxlength: 2000, placeholder: t("materials.upload.notePlaceholder") });
  const send = h("button", { type: "submit", class: "button-primary" }, t("materials.upload.submit"));
  const cancel = h("button", { type: "button", class: "button-quiet", hidden: true, "data-testid": "material-upload-cancel" }, t("common.cancel"));
  const bar = h("progress", { max: 100, value: 0, "data-testid": "material-progress", hidden: true, "aria-label": t("materials.upload.progressLabel") });
  const progressText = h("span", { class: "hint", "data-testid": "material-progress-text", role: "status" });
  const notice = noticeArea();
  let running: XMLHttpRequest | null = null;

  const form = h(
    "form",
    { class: "material-upload", "aria-label": t("materials.upload.label"), "data-testid": "material-upload" },
    h("label", {}, t("materials.upload.file"), file),
    h("label", {}, t("materials.upload.transcript"), transcript),
    h("label", {}, t("materials.upload.note"), note),
    h("div", { class: "form-actions" }, send, cancel),
    h("div", { class: "material-progress" }, bar, progressText),
    notice.el,
  );

  function finish(): void {
    running = null;
    send.disabled = false;
    cancel.hidden = true;
  }

  cancel.addEventListener("click", () => {
    running?.abort();
    send.focus(); // the cancel button hides: keep the keyboard in the form
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    notice.clear();
    const body = new FormData();
    if (note.value.trim()) body.append("note", note.value.trim());
    body.append("file", chosen, chosen.name);
    const spoken = transcript.files?.[0];
    if (spoken) body.append("transcript", spoken, spoken.name);
    const xhr = new XMLHttpRequest();
    running = xhr;
    xhr.open("POST", `/cases/${encodeURIComponent(caseId)}/materials`);
    const token = getToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    bar.hidden = false;
    bar.value = 0;
    send.disabled = true;
    cancel.hidden = false;
    xhr.upload.addEventListener("progress", (progress) => {
      const total = progress.lengthComputable ? progress.total : chosen.size;
      const percent = total ? Math.min(100, Math.round((progress.loaded / total) * 100)) : 0;
      bar.value = percent;
      progressText.textContent = t("materials.upload.progress", { percent, sent: mebibytes(progress.loaded), total: mebibytes(total) });
    });
    xhr.addEventListener("load", () => {
      finish();
      if (xhr.status === 201) {
        bar.value = 100;
        progressText.textContent = t("materials.upload.done", { name: chosen.name });
        form.reset();
        onUploaded((JSON.parse(xhr.responseText) as { id: string }).id);
      } else {
        bar.hidden = true;
        progressText.textContent = "";
        notice.show(refusal(xhr.status, xhr.responseText));
      }
    });
    xhr.addEventListener("error", () => {
      finish();
      bar.hidden = true;
      notice.show(t("materials.upload.errors.network"));
    });
    xhr.addEventListener("abort", () => {
      finish();
      bar.hidden = true;
      progressText.textContent = t("materials.upload.cancelled");
    });
    xhr.send(body);
  });
  return form;
}
