/**
 * The emails accounts receive: verification, password reset and security
 * notices. Plain text; each names its template so the outbox keeps what kind
 * of email went out after the body is gone.
 */
export interface EmailContent {
  template: string;
  subject: string;
  body: string;
}

const signature = "\n\n— SMSAPE\nThis is a service email about your account; we send no marketing.";
const stamp = (at: Date) => at.toISOString().replace("T", " ").slice(0, 16) + " UTC";

function link(publicUrl: URL, path: string, token: string): string {
  const url = new URL(path, publicUrl);
  url.searchParams.set("token", token);
  return url.toString();
}

export function verificationEmail(publicUrl: URL, token: string): EmailContent {
  return {
    template: "email-verification",
    subject: "Confirm your email address",
    body:
      `Confirm this address for your SMSAPE account by opening:\n${link(publicUrl, "/verify-email", token)}\n\n` +
      `Or enter this token in the app: ${token}\n\nIt works once, for 24 hours. If you did not sign up, ignore this email.` +
      signature,
  };
}

/** Sent instead of a second account when someone signs up with an address that has one. */
export function accountExistsEmail(publicUrl: URL): EmailContent {
  return {
    template: "account-exists",
    subject: "Someone tried to sign up with your email address",
    body:
      "Someone (perhaps you) tried to open a new SMSAPE account with this email address, which already has one.\n\n" +
      `If it was you, sign in instead, or reset your password at ${new URL("/reset-password", publicUrl).toString()}.\n` +
      "If it was not you, you need do nothing: no second account was opened." +
      signature,
  };
}

export function newSignInEmail(at: Date): EmailContent {
  return {
    template: "new-sign-in",
    subject: "New sign-in to your account",
    body:
      `Your SMSAPE account was signed in to at ${stamp(at)}.\n\n` +
      "If this was not you, reset your password now and sign out everywhere." +
      signature,
  };
}

/** Sent once when failed sign-ins lock the account for a while (P12). */
export function signInLockedEmail(at: Date, lockMinutes: number, publicUrl: URL): EmailContent {
  return {
    template: "sign-in-locked",
    subject: "Sign-in to your account is paused",
    body:
      `At ${stamp(at)} the password for your SMSAPE account was entered wrongly too many times, so sign-in ` +
      `is paused for ${lockMinutes} minutes.\n\n` +
      `If this was not you, someone may be guessing your password: once the pause ends, reset it at ${new URL("/reset-password", publicUrl).toString()}.` +
      signature,
  };
}

export function passwordChangedEmail(at: Date): EmailContent {
  return {
    template: "password-changed",
    subject: "Your password was changed",
    body:
      `The password of your SMSAPE account was changed at ${stamp(at)}, and your other sessions were signed out.\n\n` +
      "If this was not you, reset your password now." +
      signature,
  };
}

export function passwordResetEmail(publicUrl: URL, token: string): EmailContent {
  return {
    template: "password-reset",
    subject: "Reset your password",
    body:
      `To choose a new password for your SMSAPE account, open:\n${link(publicUrl, "/reset-password", token)}\n\n` +
      `Or enter this token in the app: ${token}\n\nIt works once, for one hour. If you did not ask for this, ignore this email.` +
      signature,
  };
}
