/**
 * `count` and the noun that agrees with it: `singular` for exactly one,
 * `many` (the singular plus "s" unless given) otherwise.
 *
 * @example
 * ```ts
 * plural(1, "call"); // "1 call"
 * plural(3, "reply", "replies"); // "3 replies"
 * plural(0, "message"); // "0 messages"
 * ```
 */
export function plural(count: number, singular: string, many = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : many}`;
}
