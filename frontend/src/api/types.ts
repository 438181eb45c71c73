// TypeScript shapes of the GraphQL contract (graphql/schema.graphql) as far as the war room reads it.

export type UserRole = "MEMBER" | "RD" | "HR" | "LEGAL" | "ADMIN";
export type CaseRole = "OWNER" | "EDITOR" | "COMMENTER" | "VIEWER";

export const CASE_ROLES: readonly CaseRole[] = ["OWNER", "EDITOR", "COMMENTER", "VIEWER"];

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

export interface CaseSummary {
  id: string;
  title: string;
  customer: string;
  createdAt: string;
  myRole: CaseRole;
}

export interface CaseMember {
  user: User;
  role: CaseRole;
  addedAt: string;
}

export interface CaseDetail extends CaseSummary {
  members: CaseMember[];
}

export interface LoginPayload {
  token: string;
  expiresAt: string;
  user: User;
}

export interface DemoLogin {
  email: string;
  password: string;
  name: string;
  role: UserRole;
}

/** Whether a case role may change the document (viewers and commenters only read it). */
export function canEdit(role: CaseRole): boolean {
  return role === "OWNER" || role === "EDITOR";
}
