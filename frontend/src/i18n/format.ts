// Numbers, dates, relative times and lists in the chosen language (Intl, one formatter per language and
// options, made on first use).

import { language } from "./index";

const formatters = new Map<string, unknown>();

function cached<T>(kind: string, options: object, make: (lng: string) => T): T {
  const lng = language();
  const key = `${kind}|${lng}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key) as T | undefined;
  if (formatter === undefined) {
    formatter = make(lng);
    formatters.set(key, formatter);
  }
  return formatter;
}

/** 1204 as "1,204". */
export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  return cached("number", options, (lng) => new Intl.NumberFormat(lng, options)).format(value);
}

export function formatDate(value: Date | string | number, options: Intl.DateTimeFormatOptions): string {
  return cached("date", options, (lng) => new Intl.DateTimeFormat(lng, options)).format(new Date(value));
}

/** -5, "minute" as "5 minutes ago" / "5分钟前"; yesterday as "yesterday" / "昨天". */
export function formatRelative(amount: number, unit: Intl.RelativeTimeFormatUnit): string {
  const options: Intl.RelativeTimeFormatOptions = { numeric: "auto" };
  return cached("relative", options, (lng) => new Intl.RelativeTimeFormat(lng, options)).format(amount, unit);
}

/** ["Ann", "Bo", "Cy"] as "Ann, Bo and Cy" / "Ann、Bo和Cy". */
export function formatList(items: readonly string[]): string {
  const options: Intl.ListFormatOptions = { type: "conjunction" };
  return cached("list", options, (lng) => new Intl.ListFormat(lng, options)).format(items);
}

/** ["Ann", "Bo"] as "Ann, Bo" / "Ann、Bo": names side by side, without an "and". */
export function formatNames(items: readonly string[]): string {
  return language() === "zh-CN" ? items.join("、") : items.join(", ");
}

/** Points: digits grouped from five on ("2000", "12,000"), as amounts read in both languages. */
export function formatPoints(value: number): string {
  // "min2" (ECMA-402 NumberFormat v3) is not in the ES2022 lib's option types yet.
  return formatNumber(value, { useGrouping: "min2" } as unknown as Intl.NumberFormatOptions);
}

/** The currency of order amounts: the server stores an amount without one, and Warroom's teams sell in yuan. */
export const ORDER_CURRENCY = "CNY";

/** An amount (a decimal string) with its currency: "¥1,280,000.00" in Chinese, "CN¥1,280,000.00" in English. */
export function formatMoney(amount: string, currency: string = ORDER_CURRENCY): string {
  const value = Number(amount);
  return Number.isFinite(value) ? formatNumber(value, { style: "currency", currency }) : amount;
}

/** When a UTC day starts on this device's clock ("08:00" in China): caps and daily counts go by UTC days. */
export function utcDayStart(): string {
  return formatDate(Date.UTC(2026, 0, 1), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}
