/**
 * Reading received SMS (P7): only the account that ordered the number reads
 * them. Every path to a message (an activation's `messages`, the live
 * `smsReceived` events) filters by that account in the database query itself.
 */
import type { Prisma, SmsMessage } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { AccountActor } from "../actors.ts";
import { isUuid } from "../ids.ts";

/** The SMS `reader` may read: those received for activations it ordered; none without an account. */
export function smsReadableBy(reader: AccountActor | null): Prisma.SmsMessageWhereInput {
  return reader ? { activation: { accountId: reader.accountId } } : { id: { in: [] } };
}

/** One SMS received for one of the account's own activations, or null. `query` carries the caller's selection. */
export function findOwnSmsMessage(
  services: Services,
  accountId: string,
  messageId: string,
  query: Omit<Prisma.SmsMessageFindFirstArgs, "where"> = {},
): Promise<SmsMessage | null> {
  if (!isUuid(messageId)) return Promise.resolve(null);
  return services.db.smsMessage.findFirst({ ...query, where: { id: messageId, activation: { accountId } } });
}
