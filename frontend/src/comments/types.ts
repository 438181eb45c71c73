// Shapes of comments as graphql/operations/comments.graphql selects them.

export interface Person {
  id: string;
  name: string;
}

export interface CommentAnchor {
  /** Base64 Yjs relative positions in the document's `body`. */
  start: string;
  end: string;
  quote: string;
  currentQuote: string | null;
  orphaned: boolean;
}

export interface Reply {
  id: string;
  threadId: string;
  body: string;
  deleted: boolean;
  createdAt: string;
  editedAt: string | null;
  author: Person;
  viewerCanEdit: boolean;
  viewerCanDelete: boolean;
}

export interface Thread extends Reply {
  resolvedAt: string | null;
  resolvedBy: Person | null;
  anchor: CommentAnchor | null;
  viewerCanResolve: boolean;
  replies: Reply[];
}

export type CommentEventKind = "ADDED" | "EDITED" | "RESOLVED" | "REOPENED" | "DELETED";

export interface CommentEvent {
  kind: CommentEventKind;
  at: string;
  actor: Person;
  /** The comment that changed: a thread's first comment (with replies) or a reply. */
  comment: Thread;
}
