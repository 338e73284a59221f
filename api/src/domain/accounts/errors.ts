import { DomainError } from "../errors.ts";

/** P22: the service is for adults only; sign-up needs the attestation. */
export class AgeAttestationRequiredError extends DomainError {
  readonly code = "AGE_ATTESTATION_REQUIRED";
  constructor() {
    super("You must confirm that you are of legal age (an adult where you live) to open an account.");
  }
}

/** A one-time email token that is unknown, already used or expired. */
export class InvalidTokenError extends DomainError {
  readonly code = "INVALID_TOKEN";
  constructor() {
    super("This link or token is not valid any more. Ask for a new one.");
  }
}

export class WrongPasswordError extends DomainError {
  readonly code = "WRONG_PASSWORD";
  constructor() {
    super("The current password is not right.");
  }
}

/**
 * Changing credentials (password, API keys) needs a signed-in session: a leaked
 * API key must not be able to mint more keys or lock the owner out.
 */
export class SessionRequiredError extends DomainError {
  readonly code = "SESSION_REQUIRED";
  constructor() {
    super("Sign in with your email and password to do this; an API key is not enough.");
  }
}
