// A count with its noun: "1 pain point", "2 pain points", "1,204 pain points".

export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}
