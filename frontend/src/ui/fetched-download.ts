// Saving a small file the server answers only with the Bearer token (a proposal's Markdown or JSON export):
// the token cannot ride on a plain link, so the bytes are fetched with it and handed to the browser as a
// file. Held in memory, so only for small files; a material's content streams through a single-use link
// instead (materials/download.ts).

import { ApiError } from "../api/errors";
import { getToken } from "../session";

export async function downloadFetched(url: string, name: string): Promise<void> {
  const token = getToken();
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    let code = "SERVER_STATUS";
    try {
      code = ((await response.json()) as { error?: { code?: string } }).error?.code ?? code;
    } catch {
      // not JSON
    }
    throw new ApiError(code, "", { status: response.status });
  }
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
