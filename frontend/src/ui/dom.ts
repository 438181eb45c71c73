// A tiny element builder: enough to keep pages declarative without a framework.

type Child = Node | string | null | undefined | false;
type Handler = (event: Event) => void;

export interface Attrs {
  [name: string]: string | number | boolean | Handler | null | undefined;
}

/** Creates an element; `on*` attributes become listeners, `false`/`null` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "style") {
      // Through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes.
      el.style.cssText = String(value);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

const HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/u;
const BRACKETED = /[(（[【][^)）\]】]*[)）\]】]?/gu;

/**
 * Initials for an avatar. A Chinese name shows its last two characters, as Chinese apps do ("王芳" → "王芳",
 * "欧阳娜娜" → "娜娜"); other names the first letters of their first and last words ("Alice Chen" → "AC").
 * What is in brackets is not the name: "王芳 (Finance BP)" → "王芳".
 */
export function initials(name: string): string {
  const bare = name.replace(BRACKETED, " ").trim() || name.trim();
  const han = HAN_RUN.exec(bare);
  if (han) return Array.from(han[0]).slice(-2).join("");
  const words = bare
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+/u, ""))
    .filter(Boolean);
  if (words.length === 0) return "?";
  if (words.length === 1) return Array.from(words[0]).slice(0, 2).join("").toUpperCase();
  return (Array.from(words[0])[0] + Array.from(words[words.length - 1])[0]).toUpperCase();
}

/** Whether initials are Chinese characters (two of them need a smaller font in a round avatar). */
export function isHan(text: string): boolean {
  return HAN_RUN.test(text);
}
