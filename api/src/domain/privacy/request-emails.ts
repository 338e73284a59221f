/**
 * The emails a privacy request sends: the receipt (which CCPA requires within
 * 10 business days; we send it at filing), the link that confirms the
 * requester is the account holder, the notice of an extension with its reason,
 * and the answer when a request is refused. Subjects are fixed lines; bodies
 * may quote staff and are encrypted while they wait in the outbox.
 */
import type { PrivacyRequestKind } from "@smsape/db";
import type { EmailContent } from "../accounts/account-emails.ts";

const signature = "\n\n— SMSAPE privacy team\nThis is a service email about a privacy request; we send no marketing.";
const day = (at: Date) => at.toISOString().slice(0, 10);

const kindWords: Record<PrivacyRequestKind, string> = {
  ACCESS: "a copy of personal data",
  CORRECTION: "a correction of personal data",
  DELETION: "the deletion of personal data",
  RESTRICTION: "a restriction of processing",
  OBJECTION: "an objection to processing",
};

export function requestReceivedEmail(request: { id: string; kind: PrivacyRequestKind; legalDueAt: Date }): EmailContent {
  return {
    template: "privacy-request-received",
    subject: "We received your privacy request",
    body:
      `We received your request for ${kindWords[request.kind]} (reference ${request.id}).\n\n` +
      `We aim to answer within 72 hours, and will answer by ${day(request.legalDueAt)} at the latest.` +
      signature,
  };
}

export function identityLinkEmail(
  publicUrl: URL,
  request: { id: string; kind: PrivacyRequestKind },
  token: string,
): EmailContent {
  const url = new URL("/privacy/confirm", publicUrl);
  url.searchParams.set("token", token);
  return {
    template: "privacy-identity-link",
    subject: "Confirm a privacy request about your account",
    body:
      `A request for ${kindWords[request.kind]} about your SMSAPE account was made (reference ${request.id}).\n\n` +
      `If it was you, or you agree to it, confirm it by opening:\n${url.toString()}\n\nOr enter this token in the app: ${token}\n\n` +
      "Nothing is disclosed or erased before it is confirmed. If you did not ask for this, ignore this email or write to us." +
      signature,
  };
}

export function reportReceivedEmail(): EmailContent {
  return {
    template: "privacy-report-receipt",
    subject: "We received your report",
    body:
      "We received your report about an SMSAPE account. If it concerns a child, we treat it first.\n\n" +
      "We may write to you to confirm details. We do not say here whether the address you named has an account." +
      signature,
  };
}

export function extensionNoticeEmail(request: { id: string; legalDueAt: Date }, reason: string): EmailContent {
  return {
    template: "privacy-extension-notice",
    subject: "We need more time to answer your privacy request",
    body:
      `We need more time to answer your privacy request (reference ${request.id}), as the law allows once.\n\n` +
      `Why: ${reason}\n\nWe will answer by ${day(request.legalDueAt)} at the latest.` +
      signature,
  };
}

export function rejectionEmail(request: { id: string }, message: string): EmailContent {
  return {
    template: "privacy-request-rejected",
    subject: "Your privacy request was refused",
    body:
      `We cannot carry out your privacy request (reference ${request.id}).\n\n${message}\n\n` +
      "You may complain to your data protection authority if you disagree." +
      signature,
  };
}
