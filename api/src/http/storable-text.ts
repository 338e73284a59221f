/**
 * Text PostgreSQL cannot store faithfully is refused where it enters the
 * service, once for every GraphQL argument and webhook body, instead of
 * failing deep inside a write (NUL: error 22021, answered as an internal
 * error) or being stored altered (a lone UTF-16 surrogate becomes U+FFFD when
 * encoded as UTF-8).
 */
export type UnstorableCharacter = "NUL (U+0000)" | "a lone UTF-16 surrogate";

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableCharacterIn(text: string): UnstorableCharacter | null {
  if (text.includes("\u0000")) return "NUL (U+0000)";
  if (loneSurrogate.test(text)) return "a lone UTF-16 surrogate";
  return null;
}
