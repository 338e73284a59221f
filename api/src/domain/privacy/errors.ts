import type { PrivacyRequestStatus } from "@smsape/db";
import { DomainError } from "../errors.ts";

/** One open request of each kind at a time: the open one is answered first. */
export class PrivacyRequestAlreadyOpenError extends DomainError {
  readonly code = "REQUEST_ALREADY_OPEN";
  constructor(readonly existingRequestId: string) {
    super("You already have an open request of this kind. We will answer it first; you can follow it in your privacy requests.");
  }
}

/** Only a request nobody has started on can be withdrawn. */
export class PrivacyRequestNotWithdrawableError extends DomainError {
  readonly code = "REQUEST_NOT_WITHDRAWABLE";
  constructor(readonly status: PrivacyRequestStatus) {
    super("This request can no longer be withdrawn: it is already being handled or closed.");
  }
}

/** The step is not one the request's state allows (or it changed meanwhile). */
export class PrivacyRequestTransitionError extends DomainError {
  readonly code = "REQUEST_TRANSITION_NOT_ALLOWED";
  constructor(
    readonly status: PrivacyRequestStatus,
    readonly to: PrivacyRequestStatus,
    message = `A request that is ${status.toLowerCase().replaceAll("_", " ")} cannot become ${to.toLowerCase().replaceAll("_", " ")}. Load it again and retry.`,
  ) {
    super(message);
  }
}

/** Nothing is disclosed, changed or erased before the requester is confirmed as the account holder. */
export class IdentityNotConfirmedError extends DomainError {
  readonly code = "IDENTITY_NOT_CONFIRMED";
  constructor() {
    super("The requester's identity is not confirmed yet. Confirm it (email link or a recorded check) before going on.");
  }
}

/** An extension is given once, and only while the first period runs. */
export class ExtensionNotAllowedError extends DomainError {
  readonly code = "EXTENSION_NOT_ALLOWED";
  constructor(readonly reason: "ALREADY_EXTENDED" | "WINDOW_CLOSED") {
    super(
      reason === "ALREADY_EXTENDED"
        ? "This request has already been extended once; the law allows no second extension."
        : "The first period of this request has ended: an extension had to be announced before its legal deadline.",
    );
  }
}
