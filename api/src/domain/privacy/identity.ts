/**
 * Confirming that a request comes from the account holder (P14, P16): nothing
 * is disclosed, changed or erased before. A request not made by the signed-in
 * holder (API key only, a support ticket, a report) waits in IDENTITY_PENDING
 * until the holder opens the link sent to the account's address, or a staff
 * member records how they checked. Either way it moves to RECEIVED with the
 * method on the request and its timeline; its clock has been running all along.
 */
import type { IdentityMethod, Prisma, PrivacyRequest } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { InvalidTokenError } from "../accounts/errors.ts";
import type { Actor } from "../actors.ts";
import { hashToken, newSecretToken } from "../auth/tokens.ts";
import { ValidationError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";
import { PrivacyRequestTransitionError } from "./errors.ts";
import { applyTransition, lockRequest, publishQueueChange } from "./request-states.ts";

/** The link works for a week: long enough for a holder away from their mail, short enough to go stale. */
export const identityLinkLifetimeMs = 7 * 24 * 60 * 60_000;

export const identityMethods = [
  "EMAIL_LINK",
  "ID_DOCUMENT",
  "SIGNED_IN_SESSION",
  "OTHER",
] as const satisfies readonly IdentityMethod[];

/** Issues the token of the confirmation link; only its hash is stored. */
export async function issueIdentityLink(tx: Prisma.TransactionClient, requestId: string, now: Date): Promise<string> {
  const { token, hash } = newSecretToken("prq");
  await tx.privacyRequestIdentityToken.create({
    data: { requestId, tokenHash: hash, expiresAt: new Date(now.getTime() + identityLinkLifetimeMs), createdAt: now },
  });
  return token;
}

/** The holder opened the emailed link: the request it names is confirmed. Any other token is refused the same way. */
export async function confirmIdentityByLink(services: Services, token: string): Promise<PrivacyRequest> {
  const now = services.now();
  const request = await services.db.$transaction(async (tx) => {
    const record = await tx.privacyRequestIdentityToken.findUnique({ where: { tokenHash: hashToken(token.trim()) } });
    if (!record || record.usedAt || record.expiresAt <= now) throw new InvalidTokenError();
    const claimed = await tx.privacyRequestIdentityToken.updateMany({
      where: { id: record.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw new InvalidTokenError();
    const current = await lockRequest(tx, record.requestId);
    if (current.status !== "IDENTITY_PENDING" || !current.accountId) throw new InvalidTokenError();
    const holder: Actor = { kind: "account", accountId: current.accountId, sessionId: null, apiKeyId: null };
    return applyTransition(services, tx, holder, current, "RECEIVED", {
      reasonCode: "identity_confirmed",
      data: { verifiedAt: now, identityMethod: "EMAIL_LINK" },
      audit: { method: "EMAIL_LINK" },
    });
  });
  publishQueueChange(services, request.id);
  return request;
}

const staffCheckSchema = z.object({
  method: z.enum(identityMethods, { error: "must be EMAIL_LINK, ID_DOCUMENT, SIGNED_IN_SESSION or OTHER" }),
  note: z
    .string()
    .trim()
    .max(1000, { error: "must be at most 1000 characters" })
    .nullish()
    .transform((value) => value || null),
});

/** A staff member records how they confirmed the requester (the method is audited; the note stays on the request). */
export async function confirmIdentity(
  services: Services,
  actor: Actor,
  requestId: string,
  input: { method: IdentityMethod; note?: string | null },
): Promise<PrivacyRequest> {
  authorize(actor, "requests.handle");
  const parsed = staffCheckSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ field: issue.path.join(".") || "input", message: issue.message })),
    );
  }
  const { method, note } = parsed.data;
  if (method === "OTHER" && !note) throw new ValidationError([{ field: "note", message: "is required: say how you checked" }]);
  const now = services.now();
  const request = await services.db.$transaction(async (tx) => {
    const current = await lockRequest(tx, requestId);
    if (current.status !== "IDENTITY_PENDING") {
      throw new PrivacyRequestTransitionError(current.status, "RECEIVED", "This request's identity is already confirmed.");
    }
    return applyTransition(services, tx, actor, current, "RECEIVED", {
      reasonCode: "identity_confirmed",
      note,
      data: { verifiedAt: now, identityMethod: method, identityNote: note },
      audit: { method },
    });
  });
  publishQueueChange(services, request.id);
  return request;
}
