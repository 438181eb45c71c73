// Who sees the HR page and its nav link; the server checks every HR call again whatever the page shows.

import type { UserRole } from "../api/types";

export function isHr(role: UserRole | undefined): boolean {
  return role === "HR" || role === "ADMIN";
}

/** HR, finance and admins approve orders won before they earn points. */
export function approvesOrders(role: UserRole | undefined): boolean {
  return isHr(role) || role === "FINANCE";
}
