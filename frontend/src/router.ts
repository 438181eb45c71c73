// Hash routing (#/cases/ID): the server serves one index.html and never sees the route, so no route
// can collide with a server path such as /cases/{id}/heatmap.svg.

export type Route =
  | { page: "signin"; next: string | null }
  | { page: "cases" }
  | { page: "case"; caseId: string; focus: CaseFocus }
  | { page: "compare"; caseId: string; from: string | null; to: string | null }
  | { page: "contribution"; caseId: string }
  | { page: "clusters" }
  | { page: "proposals" }
  | { page: "proposal"; proposalId: string }
  | { page: "wallet" }
  | { page: "hr" }
  | { page: "account" }
  | { page: "access-requests" }
  | { page: "inbox" }
  | { page: "admin-access" }
  | { page: "knowledge" }
  | { page: "knowledge-asset"; assetId: string; from: number | null; to: number | null }
  | { page: "not-found"; path: string };

/** What a link into a case asks the war room to show: a comment thread (`?thread=`), a side panel tab (`?tab=`). */
export interface CaseFocus {
  thread: string | null;
  tab: string | null;
}

export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "cases" };
  if (parts[0] === "signin" && parts.length === 1) {
    return { page: "signin", next: new URLSearchParams(query).get("next") };
  }
  if (parts[0] === "cases" && parts.length === 1) return { page: "cases" };
  if (parts[0] === "cases" && parts.length === 2) {
    const params = new URLSearchParams(query);
    return { page: "case", caseId: parts[1], focus: { thread: params.get("thread"), tab: params.get("tab") } };
  }
  if (parts[0] === "cases" && parts.length === 3 && parts[2] === "compare") {
    const params = new URLSearchParams(query);
    return { page: "compare", caseId: parts[1], from: params.get("from"), to: params.get("to") };
  }
  if (parts[0] === "cases" && parts.length === 3 && parts[2] === "contribution") return { page: "contribution", caseId: parts[1] };
  if (parts[0] === "clusters" && parts.length === 1) return { page: "clusters" };
  if (parts[0] === "proposals" && parts.length === 1) return { page: "proposals" };
  if (parts[0] === "proposals" && parts.length === 2) return { page: "proposal", proposalId: parts[1] };
  if (parts[0] === "wallet" && parts.length === 1) return { page: "wallet" };
  if (parts[0] === "hr" && parts.length === 1) return { page: "hr" };
  if (parts[0] === "account" && parts.length === 1) return { page: "account" };
  if (parts[0] === "access-requests" && parts.length === 1) return { page: "access-requests" };
  if (parts[0] === "inbox" && parts.length === 1) return { page: "inbox" };
  if (parts[0] === "knowledge" && parts.length === 1) return { page: "knowledge" };
  if (parts[0] === "knowledge" && parts.length === 2) {
    const params = new URLSearchParams(query);
    return { page: "knowledge-asset", assetId: parts[1], from: versionParam(params.get("from")), to: versionParam(params.get("to")) };
  }
  if (parts[0] === "admin" && parts.length === 2 && parts[1] === "access") return { page: "admin-access" };
  return { page: "not-found", path };
}

function versionParam(value: string | null): number | null {
  const version = value === null ? NaN : Number(value);
  return Number.isInteger(version) && version > 0 ? version : null;
}

/** A knowledge asset's page; `from`/`to` open the diff between two of its versions (`to` null: the newest). */
export function knowledgePath(assetId: string, diff: { from: number; to?: number | null } | null = null): string {
  const params = new URLSearchParams();
  if (diff) {
    params.set("from", String(diff.from));
    if (diff.to) params.set("to", String(diff.to));
  }
  const query = params.toString();
  return `/knowledge/${encodeURIComponent(assetId)}${query ? `?${query}` : ""}`;
}

export function navigate(path: string): void {
  const hash = `#${path}`;
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

export function casePath(caseId: string, focus: Partial<CaseFocus> = {}): string {
  const params = new URLSearchParams();
  if (focus.thread) params.set("thread", focus.thread);
  if (focus.tab) params.set("tab", focus.tab);
  const query = params.toString();
  return `/cases/${encodeURIComponent(caseId)}${query ? `?${query}` : ""}`;
}

/** The full-width comparison of two versions; `to` null (or "live") compares with the document now. */
export function comparePath(caseId: string, from: string | null, to: string | null = null): string {
  const params = new URLSearchParams();
  if (from) params.set("from", from);
  params.set("to", to ?? LIVE);
  return `/cases/${encodeURIComponent(caseId)}/compare?${params.toString()}`;
}

/** `to=live` in a compare path: the document as it reads now. */
export const LIVE = "live";

export function contributionPath(caseId: string): string {
  return `/cases/${encodeURIComponent(caseId)}/contribution`;
}

/** The sign-in path that brings the user back to where they were. */
export function signInPath(): string {
  const here = location.hash.replace(/^#/, "");
  return here && !here.startsWith("/signin") ? `/signin?next=${encodeURIComponent(here)}` : "/signin";
}

export function onRouteChange(listener: (route: Route) => void): void {
  window.addEventListener("hashchange", () => listener(parseRoute(location.hash)));
  listener(parseRoute(location.hash));
}
