import { ConflictError, InvalidCredentialsError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { builder } from "../builder.ts";

/** Every expected failure is a type implementing Error, returned in a union result. */
export const ErrorInterface = builder.interfaceRef<Error & { code: string }>("Error").implement({
  description: "An expected failure: a stable code to branch on and a message to show a person.",
  fields: (t) => ({
    code: t.exposeString("code"),
    message: t.exposeString("message"),
  }),
});

const FieldIssue = builder.objectRef<{ field: string; message: string }>("FieldIssue").implement({
  fields: (t) => ({
    field: t.exposeString("field", { description: "The input field, as a dotted path." }),
    message: t.exposeString("message"),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({ issues: t.field({ type: [FieldIssue], resolve: (error) => error.issues }) }),
});

/**
 * Exposes a domain error class as a GraphQL type implementing Error, so that a
 * mutation can list it in `errors: { types: [...] }`. Call it next to the
 * types of the domain the error belongs to.
 */
export function registerErrorType<T extends Error & { code: string }>(
  errorClass: new (...args: any[]) => T,
  name: string,
  subGraphs: Array<"customer" | "staff"> = ["customer", "staff"],
) {
  builder.objectType(errorClass, {
    name,
    subGraphs,
    interfaces: [ErrorInterface] as never,
    isTypeOf: (value) => value instanceof errorClass,
  });
}

registerErrorType(InvalidCredentialsError, "InvalidCredentialsError");
registerErrorType(NotFoundError, "NotFoundError");
registerErrorType(ConflictError, "ConflictError");
