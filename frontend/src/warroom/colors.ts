// One stable, readable colour per person, so the same teammate has the same cursor colour everywhere.

const PALETTE = [
  "#d9480f", "#2f9e44", "#1971c2", "#ae3ec9", "#e8590c", "#0c8599",
  "#c2255c", "#5f3dc4", "#2b8a3e", "#e67700", "#1864ab", "#a61e4d",
];

export function colorFor(userId: string): string {
  let hash = 0;
  for (const ch of userId) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length];
}
