// A confirmation as a modal <dialog> (not window.confirm): styled, with the consequences spelled out.

import "../styles/dialogs.css";
import { h } from "./dom";

export interface ConfirmOptions {
  title: string;
  message: string | Node;
  confirmLabel: string;
  danger?: boolean;
  testId?: string;
}

/** Asks the question; resolves true when the person confirms, false when they cancel or press Escape. */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = h("button", { type: "button", class: "button-quiet", onclick: () => dialog.close("cancel") }, "Cancel");
    const confirm = h(
      "button",
      { type: "button", class: options.danger ? "button-danger" : "button-primary", onclick: () => dialog.close("confirm") },
      options.confirmLabel,
    );
    const dialog = h(
      "dialog",
      { class: "confirm-dialog", "aria-label": options.title, "data-testid": options.testId ?? "confirm-dialog" },
      h("h2", {}, options.title),
      typeof options.message === "string" ? h("p", {}, options.message) : options.message,
      h("div", { class: "dialog-actions" }, cancel, confirm),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
