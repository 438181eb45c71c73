// A small form in a modal <dialog>: a title, what the action does, a few fields, confirm and cancel. The
// dialog stays open while the server answers, and shows a refusal as a sentence under the fields.

import "../styles/dialogs.css";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { h } from "./dom";
import { noticeArea } from "./notice";

export interface DialogField {
  name: string;
  label: string;
  value?: string;
  placeholder?: string;
  required?: boolean;
  maxLength?: number;
  /** A textarea instead of a one-line input. */
  multiline?: boolean;
  /** A select of these choices instead of a text field. */
  options?: { value: string; label: string }[];
}

export interface FormDialogOptions<T> {
  title: string;
  message?: string;
  fields: DialogField[];
  confirmLabel: string;
  testId: string;
  /** Sends the trimmed values by field name; resolves with what the server answered. */
  run: (values: Record<string, string>) => Promise<T>;
}

/** Resolves with what `run` answered, or null when the person cancels. */
export function formDialog<T>(options: FormDialogOptions<T>): Promise<T | null> {
  return new Promise((resolve) => {
    const inputs = options.fields.map((field) => {
      const attrs = {
        name: field.name,
        required: field.required ?? false,
        maxlength: field.maxLength ?? 1000,
        placeholder: field.placeholder ?? null,
      };
      const input = field.options
        ? h("select", { name: field.name }, ...field.options.map((option) => h("option", { value: option.value }, option.label)))
        : field.multiline
          ? h("textarea", { ...attrs, rows: 3 })
          : h("input", attrs);
      input.value = field.value ?? "";
      return { field, input };
    });
    const confirm = h("button", { type: "submit", class: "button-primary", "data-testid": "confirm" }, options.confirmLabel);
    const cancel = h("button", { type: "button", class: "button-quiet" }, t("common.cancel"));
    const notice = noticeArea();
    const form = h(
      "form",
      { class: "dialog-form" },
      h("h2", {}, options.title),
      options.message ? h("p", {}, options.message) : null,
      ...inputs.map(({ field, input }) => h("label", {}, field.label, input)),
      notice.el,
      h("div", { class: "dialog-actions" }, cancel, confirm),
    );
    const dialog = h("dialog", { class: "confirm-dialog form-dialog", "aria-label": options.title, "data-testid": options.testId }, form);
    let answer: T | null = null;

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      confirm.disabled = true;
      notice.clear();
      const values = Object.fromEntries(inputs.map(({ field, input }) => [field.name, input.value.trim()]));
      options
        .run(values)
        .then((result) => {
          answer = result;
          dialog.close();
        })
        .catch((error: unknown) => {
          notice.show(errorMessage(error));
          confirm.disabled = false;
        });
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    inputs[0]?.input.focus();
  });
}
