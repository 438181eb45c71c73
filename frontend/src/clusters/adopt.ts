// Adopting a pain point into the roadmap (R&D): a note, then AdoptPainPoint; the row shows the result.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import type { PainPoint } from "../painpoints/types";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";

/** The "Adopt" button and its small form; `onAdopted` gets the pain point as the server now has it. */
export function adoptControl(painPoint: PainPoint, onAdopted: (adopted: PainPoint) => void): HTMLElement {
  const open = h("button", { type: "button", class: "button-quiet adopt-button" }, "Adopt");
  const note = h("input", { name: "note", maxlength: 500, placeholder: "e.g. Q3 roadmap: retry declined cards" });
  const confirm = h("button", { type: "submit", class: "button-primary" }, "Adopt into roadmap");
  const cancel = h("button", { type: "button", class: "button-quiet" }, "Cancel");
  const notice = noticeArea();
  const form = h(
    "form",
    { class: "adopt-form", hidden: true, "aria-label": "Adopt this pain point" },
    h("label", {}, "Note for the roadmap (optional)", note),
    h("div", { class: "form-actions" }, confirm, cancel),
    notice.el,
  );

  open.addEventListener("click", () => {
    open.hidden = true;
    form.hidden = false;
    note.focus();
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
    request<{ adoptPainPoint: PainPoint }>("AdoptPainPoint", { id: painPoint.id, note: note.value.trim() || null })
      .then(({ adoptPainPoint }) => onAdopted(adoptPainPoint))
      .catch((error: unknown) => {
        notice.show(errorMessage(error));
        confirm.disabled = false;
      });
  });
  return h("div", { class: "adopt" }, open, form);
}
