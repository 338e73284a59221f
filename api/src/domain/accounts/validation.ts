import { z } from "zod";
import { ValidationError } from "../errors.ts";

/** Emails are stored trimmed and lower-cased: one address, one account. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { error: "must be at most 254 characters" })
  .pipe(z.email({ error: "must be an email address such as name@example.com" }));

export const passwordLength = { min: 10, max: 128 } as const;

export const passwordSchema = z
  .string()
  .min(passwordLength.min, { error: `must be at least ${passwordLength.min} characters` })
  .max(passwordLength.max, { error: `must be at most ${passwordLength.max} characters` });

/** Parses `input` or throws a ValidationError naming each field at fault. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || "input", message: issue.message })),
  );
}

/** A password must not be the account's own email, however it is typed. */
export function checkPasswordIsNotEmail(password: string, email: string, field = "password"): void {
  if (password.trim().toLowerCase() === email) throw new ValidationError([{ field, message: "must not be your email address" }]);
}
