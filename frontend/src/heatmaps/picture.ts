// Saving a heatmap as the server draws it (/cases/{id}/heatmap.svg). The picture needs the Bearer
// header, which an <img> or a plain link cannot send, so it is fetched and handed over as a blob.

import { ApiError, errorMessage } from "../api/errors";
import { language, t } from "../i18n";
import { getToken } from "../session";
import { h } from "../ui/dom";

export type PictureKind = "contribution" | "sections";

// The picture route answers a refusal as plain text with the status of its code (server/api/heatmap_images.py).
const CODE_OF_STATUS: Record<number, string> = { 400: "BAD_INPUT", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 429: "RATE_LIMITED" };

async function download(caseId: string, query: URLSearchParams, filename: string): Promise<void> {
  const response = await fetch(`/cases/${encodeURIComponent(caseId)}/heatmap.svg?${query}`, {
    headers: { Authorization: `Bearer ${getToken() ?? ""}` },
  });
  if (!response.ok) throw new ApiError(CODE_OF_STATUS[response.status] ?? "SERVER_STATUS", await response.text(), { status: response.status });
  const url = URL.createObjectURL(await response.blob());
  const link = h("a", { href: url, download: filename });
  link.click();
  // The click has started the download by the next task; the blob is not needed after that.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A button that saves the picture; `query` gives its current parameters (kind, bucket, from). */
export function pictureButton(caseId: string, kind: PictureKind, query: () => URLSearchParams, onError: (message: string) => void): HTMLButtonElement {
  const button = h("button", { type: "button", class: "button-quiet picture-button" }, t("heatmaps.saveSvg"));
  button.addEventListener("click", () => {
    button.disabled = true;
    const params = query();
    params.set("kind", kind);
    params.set("lang", language()); // the picture speaks the UI's language
    download(caseId, params, `${kind}-heatmap.svg`)
      .catch((error: unknown) => onError(errorMessage(error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return button;
}
