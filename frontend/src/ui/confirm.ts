// A confirmation as a modal <dialog>: a question, a confirm button and a cancel button.

import { h } from "./dom";

/** Asks `question`; resolves true when the person confirms, false when they cancel or press Escape. */
export function confirmDialog(question: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const confirm = h("button", { type: "button", class: "button-primary", "data-testid": "confirm" }, confirmLabel);
    const cancel = h("button", { type: "button", class: "button-quiet" }, "Cancel");
    const dialog = h(
      "dialog",
      { class: "confirm-dialog", "aria-label": "Confirm" },
      h("p", {}, question),
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
    confirm.focus();
  });
}
