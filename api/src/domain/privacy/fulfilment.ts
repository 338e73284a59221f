/**
 * What every right carried out by staff checks first: the request it fulfils
 * exists, asks for this right, belongs to an account, was confirmed as coming
 * from the account holder, and is still open. Nothing is disclosed, changed
 * or erased for a request that fails one of these.
 */
import type { Prisma, PrivacyRequest, PrivacyRequestKind } from "@smsape/db";
import { DomainError, NotFoundError } from "../errors.ts";
import { isUuid } from "../ids.ts";

/** Closed requests: nothing more is carried out for them. */
const closedStatuses = new Set<string>(["COMPLETED", "REJECTED", "WITHDRAWN"]);

export class RequestNotFulfillableError extends DomainError {
  readonly code = "REQUEST_NOT_FULFILLABLE";
  constructor(readonly reason: "WRONG_KIND" | "NO_ACCOUNT" | "IDENTITY_NOT_CONFIRMED" | "CLOSED") {
    super(
      {
        WRONG_KIND: "This request does not ask for this right.",
        NO_ACCOUNT: "This request is not linked to an account.",
        IDENTITY_NOT_CONFIRMED: "Confirm the requester is the account holder before carrying the request out.",
        CLOSED: "This request is already closed.",
      }[reason],
    );
  }
}

/** The request `requestId`, locked for the rest of the transaction, if it may be fulfilled with a right of `kinds`. */
export async function requestToFulfil(
  tx: Prisma.TransactionClient,
  requestId: string,
  kinds: readonly PrivacyRequestKind[],
): Promise<PrivacyRequest & { accountId: string }> {
  if (!isUuid(requestId)) throw new NotFoundError("The privacy request");
  await tx.$queryRaw`SELECT id FROM "PrivacyRequest" WHERE id = ${requestId}::uuid FOR UPDATE`;
  const request = await tx.privacyRequest.findUnique({ where: { id: requestId } });
  if (!request) throw new NotFoundError("The privacy request");
  if (!kinds.includes(request.kind)) throw new RequestNotFulfillableError("WRONG_KIND");
  if (!request.accountId) throw new RequestNotFulfillableError("NO_ACCOUNT");
  if (!request.verifiedAt) throw new RequestNotFulfillableError("IDENTITY_NOT_CONFIRMED");
  if (closedStatuses.has(request.status)) throw new RequestNotFulfillableError("CLOSED");
  return request as PrivacyRequest & { accountId: string };
}
