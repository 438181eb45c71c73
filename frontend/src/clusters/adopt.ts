// Adopting a pain point into the roadmap (R&D): a note, then AdoptPainPoint; the row shows the result.

import { request } from "../api/client";
import { AdoptPainPointDocument } from "../api/generated/graphql";
import type { PainPoint } from "../painpoints/types";
import { inlineAction } from "../ui/inline-action";

/** The "Adopt" button and its small form; `onAdopted` gets the pain point as the server now has it. */
export function adoptControl(painPoint: PainPoint, onAdopted: (adopted: PainPoint) => void): HTMLElement {
  return inlineAction({
    name: "adopt",
    button: "Adopt",
    formLabel: "Adopt this pain point",
    fieldLabel: "Note for the roadmap (optional)",
    placeholder: "e.g. Q3 roadmap: retry declined cards",
    required: false,
    confirm: "Adopt into roadmap",
    run: async (note) =>
      (await request(AdoptPainPointDocument, { id: painPoint.id, note: note || null })).adoptPainPoint,
    done: onAdopted,
  });
}
