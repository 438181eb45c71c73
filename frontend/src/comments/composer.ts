// A comment box: plain text, `@` opens a list of the case's members to mention (arrows, Enter or Tab).

import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { toEditable, toMarkup } from "./mentions";
import type { Person } from "./types";

export interface ComposerOptions {
  label: string;
  submitLabel: string;
  members: Person[];
  /** The body to start from (markup), when editing. */
  initial?: string;
  /**
   * Where the text being written is kept (by `key`, in the room's drafts), so a box built again (the
   * language changed) opens with it; it goes once sent or cancelled.
   */
  draft?: { key: string; store: Map<string, unknown> };
  /** Sends the body (with mention markup); a thrown error is shown and the text kept. */
  onSubmit: (body: string) => Promise<void>;
  onCancel?: () => void;
  testId?: string;
}

export interface Composer {
  el: HTMLElement;
  focus: () => void;
}

const MAX_SUGGESTIONS = 6;
let composerCount = 0;

/**
 * The `@query` being typed just before the caret, if any. Chinese is written without spaces ("请@李娜",
 * "吗？@李"): any `@` not inside an e-mail address (after a Latin letter, digit or . _ % + -) starts one.
 */
function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(?:^|[^A-Za-z0-9._%+-])@([^\s@]{0,40})$/u.exec(before);
  if (!match) return null;
  return { start: caret - match[1].length - 1, query: match[1] };
}

interface Draft {
  text: string;
  mentioned: Person[];
}

function isDraft(value: unknown): value is Draft {
  return typeof value === "object" && value !== null && typeof (value as Draft).text === "string" && Array.isArray((value as Draft).mentioned);
}

/** Whether a composer with this draft key has text waiting. */
export function hasDraft(store: Map<string, unknown>, key: string): boolean {
  return isDraft(store.get(key));
}

export function composer(options: ComposerOptions): Composer {
  const listId = `mention-list-${++composerCount}`;
  const kept = options.draft ? options.draft.store.get(options.draft.key) : undefined;
  const editable = isDraft(kept) ? kept : toEditable(options.initial ?? "");
  const picked = new Map<string, Person>(editable.mentioned.map((p) => [p.id, p]));
  const input = h("textarea", {
    rows: 3,
    "aria-label": options.label,
    placeholder: t("comments.composer.placeholder"),
    "aria-autocomplete": "list",
    "aria-controls": listId,
    "aria-expanded": "false",
    "data-testid": "comment-input",
  });
  input.value = editable.text;
  const list = h("ul", { class: "mention-list", role: "listbox", id: listId, "aria-label": t("comments.composer.people"), hidden: true });
  const send = h("button", { type: "submit", class: "button-primary" }, options.submitLabel);
  const notice = noticeArea();
  let suggestions: Person[] = [];
  let active = 0;
  let query: { start: number; query: string } | null = null;

  function close(): void {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    suggestions = [];
  }

  function pick(person: Person): void {
    if (!query) return;
    const caret = input.selectionStart ?? input.value.length;
    const insert = `@${person.name} `;
    input.value = input.value.slice(0, query.start) + insert + input.value.slice(caret);
    const at = query.start + insert.length;
    input.setSelectionRange(at, at);
    picked.set(person.id, person);
    keep();
    close();
    input.focus();
  }

  function show(): void {
    replaceChildren(
      list,
      ...suggestions.map((person, i) =>
        h(
          "li",
          {
            role: "option",
            id: `${listId}-${i}`,
            class: "mention-option",
            "aria-selected": String(i === active),
            "data-user-id": person.id,
            // mousedown would take the focus (and the caret) away from the textarea.
            onmousedown: (event) => event.preventDefault(),
            onclick: () => pick(person),
          },
          person.name,
        ),
      ),
    );
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
    if (!list.hidden) input.setAttribute("aria-activedescendant", `${listId}-${active}`);
  }

  function refresh(): void {
    query = mentionQuery(input.value, input.selectionStart ?? input.value.length);
    if (!query) return close();
    const wanted = query.query.toLocaleLowerCase();
    suggestions = options.members
      .filter((person) => person.name.toLocaleLowerCase().split(/\s+/).some((word) => word.startsWith(wanted)))
      .slice(0, MAX_SUGGESTIONS);
    active = 0;
    show();
  }

  function keep(): void {
    if (options.draft) options.draft.store.set(options.draft.key, { text: input.value, mentioned: [...picked.values()] } satisfies Draft);
  }

  function forget(): void {
    options.draft?.store.delete(options.draft.key);
  }

  input.addEventListener("input", refresh);
  input.addEventListener("input", keep);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    if (!list.hidden && suggestions.length > 0) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : suggestions.length - 1)) % suggestions.length;
        show();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pick(suggestions[active]);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        close();
        return;
      }
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape" && options.onCancel) {
      forget();
      options.onCancel();
    }
  });

  const form = h(
    "form",
    { class: "composer", "data-testid": options.testId ?? "comment-composer" },
    h("div", { class: "composer-input" }, input, list),
    notice.el,
    h(
      "div",
      { class: "composer-actions" },
      options.onCancel
        ? h("button", { type: "button", class: "button-quiet", onclick: () => { forget(); options.onCancel?.(); } }, t("common.cancel"))
        : null,
      send,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      notice.show(t("comments.composer.empty"));
      input.focus();
      return;
    }
    notice.clear();
    send.disabled = true;
    options
      .onSubmit(toMarkup(text, picked.values()))
      .then(() => {
        input.value = "";
        picked.clear();
        forget();
      })
      .catch((error: unknown) => notice.show(errorMessage(error)))
      .finally(() => {
        send.disabled = false;
      });
  });

  return { el: form, focus: () => input.focus() };
}
