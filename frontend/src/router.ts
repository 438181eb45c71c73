// Hash routing (#/cases/ID): the server serves one index.html and never sees the route, so no route
// can collide with a server path such as /cases/{id}/heatmap.svg.

export type Route =
  | { page: "signin"; next: string | null }
  | { page: "cases" }
  | { page: "case"; caseId: string }
  | { page: "clusters" }
  | { page: "wallet" }
  | { page: "hr" }
  | { page: "account" }
  | { page: "access-requests" }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "cases" };
  if (parts[0] === "signin" && parts.length === 1) {
    return { page: "signin", next: new URLSearchParams(query).get("next") };
  }
  if (parts[0] === "cases" && parts.length === 1) return { page: "cases" };
  if (parts[0] === "cases" && parts.length === 2) return { page: "case", caseId: parts[1] };
  if (parts[0] === "clusters" && parts.length === 1) return { page: "clusters" };
  if (parts[0] === "wallet" && parts.length === 1) return { page: "wallet" };
  if (parts[0] === "hr" && parts.length === 1) return { page: "hr" };
  if (parts[0] === "account" && parts.length === 1) return { page: "account" };
  if (parts[0] === "access-requests" && parts.length === 1) return { page: "access-requests" };
  return { page: "not-found", path };
}

export function navigate(path: string): void {
  const hash = `#${path}`;
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

export function casePath(caseId: string): string {
  return `/cases/${encodeURIComponent(caseId)}`;
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
