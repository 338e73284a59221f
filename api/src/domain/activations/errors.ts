import type { ActivationStatus } from "@smsape/db";
import { DomainError } from "../errors.ts";

export class InsufficientBalanceError extends DomainError {
  readonly code = "INSUFFICIENT_BALANCE";
  constructor(
    readonly requiredMinor: bigint,
    readonly availableMinor: bigint,
  ) {
    super(`This number costs ${requiredMinor} and the available balance is ${availableMinor} (minor units). Top up first.`);
  }
}

export class NoNumbersAvailableError extends DomainError {
  readonly code = "NO_NUMBERS_AVAILABLE";
  constructor(serviceCode: string, countryCode: string) {
    super(`No number in ${countryCode} is free for "${serviceCode}" right now. Try again later or another country.`);
  }
}

export class PriceAboveMaximumError extends DomainError {
  readonly code = "PRICE_ABOVE_MAXIMUM";
  constructor(
    readonly priceMinor: bigint,
    readonly maxPriceMinor: bigint,
  ) {
    super(`The price is ${priceMinor}, above the maximum of ${maxPriceMinor} you set (minor units).`);
  }
}

export class EmailNotVerifiedError extends DomainError {
  readonly code = "EMAIL_NOT_VERIFIED";
  constructor() {
    super("Verify your email address before ordering a number.");
  }
}

/** P17: while a restriction request is reviewed, the account's data is not processed further. */
export class AccountRestrictedError extends DomainError {
  readonly code = "ACCOUNT_RESTRICTED";
  constructor() {
    super("Processing for this account is restricted while a privacy request is reviewed; new activations cannot be ordered.");
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = "IDEMPOTENCY_KEY_REUSED";
  constructor() {
    super("This idempotency key was already used for an order of another service or country. Use a new key.");
  }
}

export class CancelLockedError extends DomainError {
  readonly code = "CANCEL_LOCKED";
  constructor(readonly unlocksAt: Date) {
    super(`This activation can be canceled from ${unlocksAt.toISOString()}.`);
  }
}

/** The activation is not in a status that allows the requested step. */
export class ActivationStatusError extends DomainError {
  readonly code = "ACTIVATION_STATUS_CONFLICT";
  constructor(
    readonly status: ActivationStatus,
    message: string,
  ) {
    super(message);
  }
}
