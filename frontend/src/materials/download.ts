// Downloading a material's content while a grant lives: the Bearer token cannot ride on a plain link, so the
// bytes are fetched and handed to the browser as a file (held in memory: fine for documents and clips).

import { ApiError } from "../api/errors";
import { getToken } from "../session";

export async function downloadContent(url: string, name: string): Promise<void> {
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
