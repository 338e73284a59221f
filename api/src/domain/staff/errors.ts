import { DomainError } from "../errors.ts";

/** Too many failed attempts: the member cannot sign in until `lockedUntil`, whatever they type. */
export class StaffLockedError extends DomainError {
  readonly code = "STAFF_LOCKED";
  constructor(readonly lockedUntil: Date) {
    super(`Too many failed attempts. Sign-in is locked until ${lockedUntil.toISOString()}.`);
  }
}

/** The authenticator code or recovery code is wrong, or was used already. */
export class StaffCodeInvalidError extends DomainError {
  readonly code = "INVALID_CODE";
  constructor() {
    super("That code is not right, or was used already. Enter the current code from your authenticator app.");
  }
}

/** The step between password and second factor lapsed, was completed, or never existed. */
export class StaffSignInExpiredError extends DomainError {
  readonly code = "SIGN_IN_EXPIRED";
  constructor() {
    super("This sign-in has expired. Start again with your email and password.");
  }
}

/** The change would leave no active ADMIN, and so nobody who can manage staff. */
export class LastActiveAdminError extends DomainError {
  readonly code = "LAST_ACTIVE_ADMIN";
  constructor() {
    super("This is the last active administrator. Make another member an administrator first.");
  }
}

/** An administrator changes other members' roles, never their own. */
export class OwnRoleChangeError extends DomainError {
  readonly code = "CANNOT_CHANGE_OWN_ROLE";
  constructor() {
    super("You cannot change your own role; ask another administrator.");
  }
}
