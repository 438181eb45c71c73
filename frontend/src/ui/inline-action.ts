// A button that opens a one-field form under itself (a note, a reason), sends it, and hands the answer on:
// adopting on a clusters card, "Withdraw" on a pain point. Refusals are shown as sentences in the form.

import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { h } from "./dom";
import { noticeArea } from "./notice";

export interface InlineAction<T> {
  /** Class prefix: `<name>`, `<name>-button`, `<name>-form` (their styles). */
  name: string;
  button: string;
  formLabel: string;
  fieldLabel: string;
  placeholder: string;
  required: boolean;
  confirm: string;
  /** Sends the field's trimmed text; resolves with what the server answered. */
  run: (text: string) => Promise<T>;
  done: (result: T) => void;
}

export function inlineAction<T>(action: InlineAction<T>): HTMLElement {
  const open = h("button", { type: "button", class: `button-quiet ${action.name}-button` }, action.button);
  const field = h("input", { name: "text", required: action.required, maxlength: 500, placeholder: action.placeholder });
  const confirm = h("button", { type: "submit", class: "button-primary" }, action.confirm);
  const cancel = h("button", { type: "button", class: "button-quiet" }, t("common.cancel"));
  const notice = noticeArea();
  const form = h(
    "form",
    { class: `${action.name}-form`, hidden: true, "aria-label": action.formLabel },
    h("label", {}, action.fieldLabel, field),
    h("div", { class: "form-actions" }, confirm, cancel),
    notice.el,
  );

  open.addEventListener("click", () => {
    open.hidden = true;
    form.hidden = false;
    field.focus();
  });
  cancel.addEventListener("click", () => {
    form.hidden = true;
    open.hidden = false;
    notice.clear();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    confirm.disabled = true;
    notice.clear();
    action
      .run(field.value.trim())
      .then(action.done)
      .catch((error: unknown) => {
        notice.show(errorMessage(error));
        confirm.disabled = false;
      });
  });
  return h("div", { class: action.name }, open, form);
}
