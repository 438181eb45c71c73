// What a link into a case points at (#/cases/<id>?tab=pain-points&painPoint=<id>): the wallet's ledger links
// a pain point this way; the war room opens the tab (pages/warroom.ts), the tab shows the pain point.

/** A parameter of the current case link, e.g. `painPoint`; null when the link has none. */
export function linkParam(name: string): string | null {
  const query = location.hash.split("?", 2)[1] ?? "";
  return new URLSearchParams(query).get(name);
}
