/**
 * Reading received SMS (P7): only the account that ordered the number reads
 * them. Every path to a message (an activation's `messages`, the live
 * `smsReceived` events) filters by that account in the database query itself.
 */
import type { Prisma, SmsMessage } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { credentialStandsCondition, credentialStandsParameters } from "../accounts/credentials.ts";
import type { AccountActor } from "../actors.ts";
import { isUuid } from "../ids.ts";

/** The SMS `reader` may read: those received for activations it ordered; none without an account. */
export function smsReadableBy(reader: AccountActor | null): Prisma.SmsMessageWhereInput {
  return reader ? { activation: { accountId: reader.accountId } } : { id: { in: [] } };
}

/**
 * What a live `smsReceived` event delivers to one subscriber, in one statement
 * (it runs for every SMS, for every subscription it reaches): the SMS, only if
 * it is the account's own and of the activation the event names, and whether
 * the credential the socket connected with still stands
 * (`credentialStandsCondition`). Without a standing credential there is no SMS.
 * The row has every column (no field of the model is mapped to another
 * column name), so it serves as the model's row.
 */
export async function smsMessageToDeliver(
  services: Services,
  reader: AccountActor,
  event: { messageId: string; activationId: string },
): Promise<{ credentialStands: boolean; message: SmsMessage | null }> {
  const [row] = await services.sql.rows<{ credentialStands: boolean } & Nullable<SmsMessage>>(
    {
      // Named: a PostgreSQL server plans it once per connection, as every live SMS runs it.
      name: "sms-to-deliver",
      text: `SELECT ${credentialStandsCondition} AS "credentialStands", m.*
       FROM (SELECT 1) AS one
       LEFT JOIN ("SmsMessage" m JOIN "Activation" a ON a."id" = m."activationId" AND a."accountId" = $6::uuid)
         ON m."id" = $4::uuid AND m."activationId" = $5::uuid`,
    },
    [
      ...credentialStandsParameters(services, reader),
      isUuid(event.messageId) ? event.messageId : null,
      isUuid(event.activationId) ? event.activationId : null,
      reader.accountId,
    ],
  );
  if (!row?.credentialStands) return { credentialStands: false, message: null };
  const { credentialStands: _, ...message } = row;
  return { credentialStands: true, message: message.id === null ? null : (message as SmsMessage) };
}

type Nullable<Row> = { [Column in keyof Row]: Row[Column] | null };
