// A masked reader's copy of the document kept up to date (maskedDocumentEvents): the server sends the
// whole redacted copy again after members edit, and it replaces what the read-only editor shows.

import * as Y from "yjs";
import { MaskedDocumentEventsDocument } from "../api/generated/graphql";
import { subscribe } from "../api/subscriptions";
import { BODY_FIELD } from "./editor";
import { decode } from "./sync";

/** Puts a whole redacted copy (base64 Yjs update) in place of the body `doc` holds. Each copy is built
 * anew by the server, so it cannot be merged into the previous one: the body's blocks are replaced. */
export function replaceMaskedCopy(doc: Y.Doc, maskedDocument: string): void {
  const next = new Y.Doc();
  Y.applyUpdate(next, decode(maskedDocument));
  const blocks = next
    .getXmlFragment(BODY_FIELD)
    .toArray()
    .flatMap((block) => (block instanceof Y.XmlElement || block instanceof Y.XmlText ? [block.clone()] : []));
  const body = doc.getXmlFragment(BODY_FIELD);
  doc.transact(() => {
    body.delete(0, body.length);
    body.insert(0, blocks);
  });
  next.destroy();
}

/**
 * Follows the case's redacted copy into `doc`, starting from the copy `shown`; `onEnded` when the server
 * stops sending it (the policy that showed the case no longer does). Returns a function that stops.
 */
export function followMaskedCopy(caseId: string, doc: Y.Doc, shown: string, onEnded: () => void): () => void {
  let last = shown;
  return subscribe(MaskedDocumentEventsDocument, { caseId }, {
    next: ({ maskedDocumentEvents }) => {
      if (maskedDocumentEvents.document === last) return;
      last = maskedDocumentEvents.document;
      replaceMaskedCopy(doc, last);
    },
    error: onEnded,
  });
}
