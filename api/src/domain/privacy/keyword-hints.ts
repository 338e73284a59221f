/**
 * A hint for staff reading a support ticket: which privacy right its words
 * seem to ask for. Only a suggestion shown next to the ticket; staff decide.
 * The first rule that matches wins, so the more specific ones come first.
 */
import type { PrivacyRequestKind } from "@smsape/db";

const rules: Array<{ kind: PrivacyRequestKind; patterns: RegExp[] }> = [
  {
    kind: "DELETION",
    patterns: [
      /\b(delete|erase|remove|close)\b.{0,40}\b(my )?(account|data|information|details|profile)\b/,
      /\bright to (be forgotten|erasure)\b/,
      /\bforget me\b/,
    ],
  },
  {
    kind: "ACCESS",
    patterns: [
      /\b(copy|export|download)\b.{0,30}\b(my )?(data|information|personal)\b/,
      /\b(subject access|data access) request\b/,
      /\bwhat (data|information) (do )?you (hold|have|keep)\b/,
      /\bright (of|to) access\b/,
    ],
  },
  {
    kind: "CORRECTION",
    patterns: [/\b(correct|fix|update|change|rectify)\b.{0,30}\b(my )?(email|name|address|data|details)\b/, /\brectification\b/],
  },
  {
    kind: "RESTRICTION",
    patterns: [/\b(restrict|stop|pause|freeze)\b.{0,20}\bprocessing\b/, /\brestriction\b/],
  },
  {
    kind: "OBJECTION",
    patterns: [/\bobject(ion)? to\b/, /\bdo not (sell|share) my\b/, /\bopt.?out\b/],
  },
];

export function suggestPrivacyKind(text: string): PrivacyRequestKind | null {
  const lower = text.toLowerCase();
  return rules.find((rule) => rule.patterns.some((pattern) => pattern.test(lower)))?.kind ?? null;
}
