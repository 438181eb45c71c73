// Typed text across a re-render: the language switch builds a page anew, and what someone had typed must
// not go. Changed fields are found again in the new page by their place among the fields of the same kind
// (tag, type, name, test id), which is the same in every language; fields that load later are not waited for.
// A form marked `data-reapply` is submitted again once its fields are back.

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface KeptFields {
  values: { key: string; value: string; checked: boolean }[];
  focused: string | null;
}

const NOT_TYPED = new Set(["hidden", "file", "button", "submit", "reset", "image"]);

function fieldsOf(root: ParentNode): Map<string, Field> {
  const seen = new Map<string, number>();
  const found = new Map<string, Field>();
  for (const el of root.querySelectorAll<Field>("input, textarea, select")) {
    if (el instanceof HTMLInputElement && NOT_TYPED.has(el.type)) continue;
    const kind = [el.tagName, el instanceof HTMLInputElement ? el.type : "", el.name, el.dataset.testid ?? ""].join("|");
    const n = seen.get(kind) ?? 0;
    seen.set(kind, n + 1);
    found.set(`${kind}#${n}`, el);
  }
  return found;
}

function isToggle(el: Field): el is HTMLInputElement {
  return el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio");
}

function changed(el: Field): boolean {
  if (el instanceof HTMLSelectElement) return [...el.options].some((option) => option.selected !== option.defaultSelected);
  if (isToggle(el)) return el.checked !== el.defaultChecked;
  return el.value !== el.defaultValue;
}

/** What was typed (or chosen) under `root`, and which field had the focus. */
export function keepFields(root: ParentNode): KeptFields {
  const kept: KeptFields = { values: [], focused: null };
  for (const [key, el] of fieldsOf(root)) {
    if (el === document.activeElement) kept.focused = key;
    if (changed(el)) kept.values.push({ key, value: el.value, checked: isToggle(el) && el.checked });
  }
  return kept;
}

/** Puts kept values into the same fields of the page built anew, as if typed (input and change events). */
export function restoreFields(root: ParentNode, kept: KeptFields): void {
  const fields = fieldsOf(root);
  const reapply = new Set<HTMLFormElement>();
  for (const { key, value, checked } of kept.values) {
    const el = fields.get(key);
    if (!el) continue;
    if (isToggle(el)) el.checked = checked;
    else el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
    if (el.form?.hasAttribute("data-reapply")) reapply.add(el.form);
  }
  // A form whose values only count once submitted (the clusters filter) is submitted again, so what it
  // shows matches what the page lists.
  for (const form of reapply) form.requestSubmit();
  if (kept.focused) fields.get(kept.focused)?.focus();
}
