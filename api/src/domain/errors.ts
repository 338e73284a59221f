/**
 * Expected failures of the domain. Each has a stable machine-readable code and a
 * message a person can act on; the GraphQL layer returns them as typed results.
 * Anything else that is thrown is a bug, and reaches clients masked.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly code = "VALIDATION_FAILED";
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ") || "The input is not valid.");
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly code = "INVALID_CREDENTIALS";
  constructor() {
    super("The email or password is not right.");
  }
}

export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND";
  constructor(what: string) {
    super(`${what} was not found.`);
  }
}

export class ConflictError extends DomainError {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Too many attempts under a rate limit (P12): the client may try again after
 * `retryAfterSeconds`. Thrown, not returned: every API answers it alike, as an
 * error with code RATE_LIMITED and the wait in its extensions, and a
 * Retry-After header over HTTP.
 */
export class RateLimitedError extends DomainError {
  readonly code = "RATE_LIMITED";
  constructor(
    readonly retryAfterSeconds: number,
    what = "Too many attempts",
  ) {
    super(`${what}. Try again in ${waitInWords(retryAfterSeconds)}.`);
  }
}

function waitInWords(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
