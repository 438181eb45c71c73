// What the side panel's tabs get from the war room: the case, who is looking, the live editor and doc.

import type { Editor } from "@tiptap/core";
import type { CaseDetail, User } from "../api/types";
import type { CaseSync } from "./sync";

export interface Room {
  item: CaseDetail;
  me: User;
  editor: Editor;
  sync: CaseSync;
  /** Runs `cleanup` when the tabs close (the war room closes, or its tabs are built in another language). */
  onDispose: (cleanup: () => void) => void;
  /**
   * What someone was writing (an open comment box, the pain point being corrected), by a key of the tab's
   * choosing: the tabs are built anew when the language changes, and must open the same boxes again.
   */
  drafts: Map<string, unknown>;
}
