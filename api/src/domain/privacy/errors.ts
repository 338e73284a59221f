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
