// What the side panel's tabs get from the war room: the case, who is looking, the live editor and doc.

import type { Editor } from "@tiptap/core";
import type { CaseDetail, User } from "../api/types";
import type { CaseSync } from "./sync";

export interface Room {
  item: CaseDetail;
  me: User;
  editor: Editor;
  sync: CaseSync;
  /** Runs `cleanup` when the war room closes (subscriptions, listeners). */
  onDispose: (cleanup: () => void) => void;
}
