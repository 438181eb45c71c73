// Whether a pain point just recorded earns its author nothing because an earning cap is reached. Its award is
// written by a background job once the submission commits, so the submission's answer cannot say; the ledger
// can once the award is written, and until then the caps say whether anything is left to earn.

import { request } from "../api/client";
import { MyPointsDocument, MyWalletDocument } from "../api/generated/graphql";

export interface CapStop {
  cap: "daily" | "monthly";
  /** The cap, in points. */
  points: number;
}

const ACTION = "PAIN_POINT_ACCEPTED";

/** The cap that leaves the pain point's acceptance award at 0 points, or null when it earns (or may earn). */
export async function cappedAcceptance(painPointId: string): Promise<CapStop | null> {
  // The caps first, then the ledger: an award the ledger does not hold yet was not in the caps either, so
  // "nothing left" then means this one earns nothing (never that it took the last points).
  const { me: wallet } = await request(MyWalletDocument);
  const { me } = await request(MyPointsDocument, { first: 20 });
  const rule = wallet.pointsWallet.caps.find((cap) => cap.action === ACTION);
  if (!rule) return null;
  const monthly = rule.monthlyCap ?? null;
  const daily = rule.dailyCap ?? null;
  const subject = `pain_point:${painPointId}`;
  const entry = me.pointsLedger.nodes.find((e) => e.action === ACTION && e.subject === subject && !e.reversesId);
  if (entry) {
    if (entry.delta !== 0) return null;
    // The server's note names the cap ("Monthly cap of 500 points reached.").
    const month = entry.note?.startsWith("Monthly") ?? false;
    const points = Number(/(\d+)/.exec(entry.note ?? "")?.[1] ?? (month ? monthly : daily));
    return { cap: month ? "monthly" : "daily", points };
  }
  if (monthly !== null && monthly - rule.earnedThisMonth <= 0) return { cap: "monthly", points: monthly };
  if (daily !== null && daily - rule.earnedToday <= 0) return { cap: "daily", points: daily };
  return null;
}
