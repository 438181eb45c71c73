// Downloading a material's content while a grant lives, streamed to disk: the browser follows a single-use
// link (`materialDownloadLink`, valid for a minute) and its download manager saves the file as the server
// decrypts it, chunk by chunk; nothing of the file is held in the page, so a multi-GB recording downloads
// like a small document. The Bearer token cannot ride on a link (and must never be in a URL), hence the
// ticket. The server checks the grant when it mints the link, so a revoked or spent grant is refused here,
// with what is missing, before anything is followed.

import { request } from "../api/client";
import { ApiError } from "../api/errors";
import { MaterialDownloadLinkDocument } from "../api/generated/graphql";

export async function downloadContent(materialId: string, name: string): Promise<void> {
  const { materialDownloadLink } = await request(MaterialDownloadLinkDocument, { materialId });
  const link = document.createElement("a");
  link.href = materialDownloadLink.url;
  // Same origin: the file is saved under this name (the server's Content-Disposition says the same).
  link.download = name;
  link.rel = "noopener";
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

/** What stands between the caller and the file, when a download was refused for want of a grant. */
export function missingOf(error: unknown): string | null {
  if (error instanceof ApiError && error.code === "NO_GRANT" && typeof error.details.missing === "string") return error.details.missing;
  return null;
}
