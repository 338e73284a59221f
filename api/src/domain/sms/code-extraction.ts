/**
 * The verification code inside an SMS: the first capture group of the
 * service's own pattern (Service.codePattern) when it has one, otherwise the
 * first standalone run of 4 to 8 digits.
 */
export const defaultCodePattern = /\b(\d{4,8})\b/;

export class InvalidCodePatternError extends Error {
  override name = "InvalidCodePatternError";
}

export function compileCodePattern(pattern: string | null | undefined): RegExp {
  if (!pattern) return defaultCodePattern;
  try {
    return new RegExp(pattern);
  } catch {
    throw new InvalidCodePatternError("The service's code pattern is not a valid regular expression.");
  }
}

export function extractCode(text: string, pattern: string | null | undefined): string | null {
  const match = compileCodePattern(pattern).exec(text);
  if (!match) return null;
  return match[1] ?? match[0] ?? null;
}
