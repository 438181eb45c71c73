// One stable, readable colour per person, so the same teammate has the same cursor colour everywhere.

// Each one dark enough for white text (avatars, caret names) to read at WCAG AA: a contrast of 4.5:1 or more.
const PALETTE = [
  "#c9470e", "#237032", "#1971c2", "#ae3ec9", "#b4510a", "#0b7285",
  "#c2255c", "#5f3dc4", "#1f7a33", "#a85d00", "#1864ab", "#a61e4d",
];

export function colorFor(userId: string): string {
  let hash = 0;
  for (const ch of userId) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/**
 * A colour for each of `userIds` (in order), each person's own where it is free: two people shown together
 * (the authors of a comparison) never share one while the palette lasts.
 */
export function distinctColors(userIds: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  const used = new Set<string>();
  for (const id of userIds) {
    if (colors.has(id)) continue;
    const own = colorFor(id);
    const start = PALETTE.indexOf(own);
    const free = PALETTE.map((_, step) => PALETTE[(start + step) % PALETTE.length]).find((color) => !used.has(color));
    const color = free ?? own;
    colors.set(id, color);
    used.add(color);
  }
  return colors;
}
