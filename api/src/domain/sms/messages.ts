/**
 * Reading received SMS (P7): only the account that ordered the number reads
 * them. Every path to a message (an activation's `messages`, the live
 * `smsReceived` events) filters by that account in the database query itself.
 */
import type { Prisma, SmsMessage } from "@smsape/db";
import DataLoader from "dataloader";
import type { Services } from "../../services/index.ts";
import { credentialStandsCondition, credentialStandsOf, credentialStandsParameters } from "../accounts/credentials.ts";
import type { AccountActor } from "../actors.ts";
import { isUuid } from "../ids.ts";
import { sharedStatementFloor } from "./ingest.ts";

/** The SMS `reader` may read: those received for activations it ordered; none without an account. */
export function smsReadableBy(reader: AccountActor | null): Prisma.SmsMessageWhereInput {
  return reader ? { activation: { accountId: reader.accountId } } : { id: { in: [] } };
}

/** What a live `smsReceived` event delivers to one subscriber: the SMS, if the subscriber's credential stands. */
export interface SmsToDeliver {
  credentialStands: boolean;
  message: SmsMessage | null;
}

/**
 * What a live `smsReceived` event delivers to one subscriber: the SMS, only if
 * it is the account's own and of the activation the event names, and whether
 * the credential the socket connected with still stands
 * (`credentialStandsCondition`). Without a standing credential there is no SMS.
 *
 * It runs for every SMS, for every subscription it reaches, so the reads of
 * one task (the events of a batch of SMS, which arrive together) go to the
 * database as one statement (`deliveryReads`) when there are enough of them. Each row
 * still answers for one subscriber alone: its own credential, account,
 * message and activation.
 */
export function smsMessageToDeliver(
  services: Services,
  reader: AccountActor,
  event: { messageId: string; activationId: string },
): Promise<SmsToDeliver> {
  return deliveryReads(services).load({ reader, event });
}

type DeliveryRead = { reader: AccountActor; event: { messageId: string; activationId: string } };

const loaders = new WeakMap<Services, DataLoader<DeliveryRead, SmsToDeliver>>();

function deliveryReads(services: Services): DataLoader<DeliveryRead, SmsToDeliver> {
  let loader = loaders.get(services);
  if (!loader) {
    loader = new DataLoader((reads) => readDeliveries(services, reads), { cache: false, maxBatchSize: 256 });
    loaders.set(services, loader);
  }
  return loader;
}

/**
 * The rows have every column of the SMS (no field of the model is mapped to
 * another column name), so each serves as the model's row. Below
 * `sharedStatementFloor` reads, each has its own statement with scalar values,
 * which PostgreSQL plans once; the one over arrays it plans at every run.
 */
async function readDeliveries(services: Services, reads: readonly DeliveryRead[]): Promise<SmsToDeliver[]> {
  if (reads.length > 1 && reads.length < sharedStatementFloor)
    return (await Promise.all(reads.map((read) => readDeliveries(services, [read])))).flat();
  const uuid = (value: string) => (isUuid(value) ? value : null);
  const [lone] = reads;
  const rows =
    reads.length === 1 && lone
      ? await services.sql.rows<DeliveryRow>(
          {
            // Named: a PostgreSQL server plans it once per connection, as every live SMS runs it.
            name: "sms-to-deliver",
            text: `SELECT ${credentialStandsCondition} AS "credentialStands", m.*
       FROM (SELECT 1) AS one
       LEFT JOIN ("SmsMessage" m JOIN "Activation" a ON a."id" = m."activationId" AND a."accountId" = $6::uuid)
         ON m."id" = $4::uuid AND m."activationId" = $5::uuid`,
          },
          [
            ...credentialStandsParameters(services, lone.reader),
            uuid(lone.event.messageId),
            uuid(lone.event.activationId),
            lone.reader.accountId,
          ],
        )
      : await services.sql.rows<DeliveryRow>(
          {
            name: "sms-to-deliver-batch",
            text: `SELECT ${credentialStandsOf('r."sessionId"', 'r."apiKeyId"', "$6::timestamptz")} AS "credentialStands", m.*
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[]) WITH ORDINALITY
         AS r("sessionId", "apiKeyId", "accountId", "messageId", "activationId", "position")
       LEFT JOIN LATERAL (
         SELECT m.* FROM "SmsMessage" m JOIN "Activation" a ON a."id" = m."activationId" AND a."accountId" = r."accountId"
         WHERE m."id" = r."messageId" AND m."activationId" = r."activationId"
       ) AS m ON true
       ORDER BY r."position"`,
          },
          [
            reads.map((read) => read.reader.sessionId),
            reads.map((read) => read.reader.apiKeyId),
            reads.map((read) => read.reader.accountId),
            reads.map((read) => uuid(read.event.messageId)),
            reads.map((read) => uuid(read.event.activationId)),
            services.now().toISOString(),
          ],
        );
  return reads.map((_, i) => {
    const row = rows[i];
    if (!row?.credentialStands) return { credentialStands: false, message: null };
    const { credentialStands: _stands, ...message } = row;
    return { credentialStands: true, message: message.id === null ? null : (message as SmsMessage) };
  });
}

type DeliveryRow = { credentialStands: boolean } & Nullable<SmsMessage>;

type Nullable<Row> = { [Column in keyof Row]: Row[Column] | null };
