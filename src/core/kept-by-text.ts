/**
 * Values computed from a text, kept for the next time the same text comes. Bounded in number
 * (the table starts over when full) and in the length of the texts it keeps (a longer one is
 * computed each time, never kept), so that no input can make it grow without end. A computation
 * that throws keeps nothing: that text is refused afresh each time.
 */
export function keptByText<T>(limit: number, maxTextChars: number): (text: string, compute: (text: string) => T) => T {
  const table = new Map<string, T>();
  return (text, compute) => {
    const kept = table.get(text);
    if (kept !== undefined) return kept;
    const value = compute(text);
    if (text.length > maxTextChars) return value;
    if (table.size >= limit) table.clear();
    table.set(text, value);
    return value;
  };
}
