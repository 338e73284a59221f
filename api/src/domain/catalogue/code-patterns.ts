/**
 * A service's code pattern, as staff write it: a regular expression whose
 * first group is the code (domain/sms/code-extraction.ts reads SMS with it).
 * Every SMS of the service runs through it, so a pattern is refused unless it
 * compiles, has a group to read the code from, and cannot backtrack
 * catastrophically: safe-regex2 refuses nested quantifiers (star height above
 * one), the shape that makes a backtracking engine take exponential time.
 */
import safeRegex from "safe-regex2";
import { DomainError } from "../errors.ts";

/** Longer than any pattern a service needs; a long pattern is a mistake or an attack. */
export const codePatternMaxLength = 200;

export type CodePatternProblem = "TOO_LONG" | "DOES_NOT_COMPILE" | "NO_CAPTURING_GROUP" | "CATASTROPHIC_BACKTRACKING";

const messages: Record<CodePatternProblem, string> = {
  TOO_LONG: `The code pattern is longer than ${codePatternMaxLength} characters.`,
  // Followed by the reason the engine gives.
  DOES_NOT_COMPILE: "The code pattern is not a valid regular expression",
  NO_CAPTURING_GROUP: "The code pattern has no capturing group: put the code in parentheses, e.g. code (\\d{6}).",
  CATASTROPHIC_BACKTRACKING:
    "The code pattern could take exponential time on some messages (a quantifier inside a repeated group, such as (\\d+)+): write it without nesting repetitions.",
};

export class CodePatternError extends DomainError {
  readonly code = "INVALID_CODE_PATTERN";
  constructor(
    readonly problem: CodePatternProblem,
    detail?: string,
  ) {
    super(detail ? `${messages[problem]}: ${detail}.` : messages[problem]);
  }
}

/**
 * The pattern as it will be stored (trimmed; empty means the default pattern,
 * returned as null), or the typed error saying what is wrong with it.
 */
export function checkCodePattern(pattern: string | null | undefined): string | null {
  const trimmed = pattern?.trim() ?? "";
  if (!trimmed) return null;
  if (trimmed.length > codePatternMaxLength) throw new CodePatternError("TOO_LONG");
  let compiled: RegExp;
  try {
    // Compiled as code-extraction.ts compiles it: no flags.
    compiled = new RegExp(trimmed);
  } catch (error) {
    throw new CodePatternError("DOES_NOT_COMPILE", syntaxDetail(error));
  }
  if (capturingGroups(compiled) < 1) throw new CodePatternError("NO_CAPTURING_GROUP");
  if (!safeRegex(compiled)) throw new CodePatternError("CATASTROPHIC_BACKTRACKING");
  return trimmed;
}

/** How many capturing groups a pattern has: an alternative that matches the empty string reports them all. */
function capturingGroups(pattern: RegExp): number {
  return (new RegExp(`${pattern.source}|`).exec("")?.length ?? 1) - 1;
}

/** V8's message repeats the pattern ("Invalid regular expression: /(/: Unterminated group"): keep the reason only. */
function syntaxDetail(error: unknown): string {
  const reason = error instanceof SyntaxError ? error.message.split(": ").at(-1) : undefined;
  return reason ? reason.toLowerCase() : "it does not compile";
}
