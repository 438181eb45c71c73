// Between a policy's ISO times (with a zone) and the browser's <input type="datetime-local"> (local time).

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** "2026-12-06T21:30" in the browser's time zone, for a datetime-local input; "" for none. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The input's local time as an ISO time in UTC; null when empty, undefined when it is not a time. */
export function fromLocalInput(value: string): string | null | undefined {
  if (value.trim() === "") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
