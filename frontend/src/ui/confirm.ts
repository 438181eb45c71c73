// A confirmation as a modal <dialog>: a question (or a title and the consequences spelled out), a confirm
// button and a cancel button.

import "../styles/dialogs.css";
import { t } from "../i18n";
import { h } from "./dom";

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  /** A red confirm button, and cancel has the focus: for what cannot be taken back. */
  danger?: boolean;
  testId?: string;
}

/** Asks `question`; resolves true when the person confirms, false when they cancel or press Escape. */
export function confirmDialog(question: string, confirmLabel: string): Promise<boolean>;
/** Asks with a title and a message. */
export function confirmDialog(options: ConfirmOptions): Promise<boolean>;
export function confirmDialog(first: string | ConfirmOptions, label?: string): Promise<boolean> {
  const options: ConfirmOptions | null = typeof first === "string" ? null : first;
  return new Promise((resolve) => {
    const confirm = h(
      "button",
      { type: "button", class: options?.danger ? "button-danger" : "button-primary", "data-testid": "confirm" },
      options?.confirmLabel ?? label ?? t("common.ok"),
    );
    const cancel = h("button", { type: "button", class: "button-quiet" }, t("common.cancel"));
    const dialog = h(
      "dialog",
      { class: "confirm-dialog", "aria-label": options?.title ?? t("common.confirm"), "data-testid": options?.testId ?? null },
      options ? h("h2", {}, options.title) : null,
      h("p", {}, options?.message ?? String(first)),
      h("div", { class: "dialog-actions" }, cancel, confirm),
    );
    let answer = false;
    confirm.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    (options?.danger ? cancel : confirm).focus();
  });
}
