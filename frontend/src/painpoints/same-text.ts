// Whether a text is a correction of a refused one or a new text altogether: what the two share, by pairs
// of adjacent characters (so it reads Chinese, which has no spaces, and English alike).

const IGNORED = /[\s\p{P}\p{S}]+/gu;

function pairs(text: string): Set<string> {
  const chars = Array.from(text.toLowerCase().replace(IGNORED, ""));
  const found = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) found.add(chars[i] + chars[i + 1]);
  return found;
}

/** Below this share of the shorter text's pairs, the new text is not a correction of the old one. */
const SHARED = 0.35;

/**
 * True when `text` corrects `refused`: they share enough wording. A refused text too short to compare
 * (empty, a placeholder) is corrected by any text.
 */
export function correctsText(refused: string, text: string): boolean {
  const before = pairs(refused);
  const after = pairs(text);
  if (before.size < 3 || after.size === 0) return true;
  let shared = 0;
  for (const pair of after) if (before.has(pair)) shared++;
  return shared / Math.min(before.size, after.size) >= SHARED;
}
