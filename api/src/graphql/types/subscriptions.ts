/**
 * Live events over graphql-ws (customer API). The socket is authenticated at
 * connection init (anonymous sockets are refused, see http/server.ts); each
 * subscription listens only on topics keyed by the subscriber's own account id,
 * and every event is authorised again as it is delivered: the credential the
 * socket connected with must still stand (not signed out, revoked or expired),
 * the payload is loaded from the database with the subscriber's account id in
 * the query, and an event that does not belong to the subscriber is dropped,
 * never sent (P7). Both checks are one statement per event (the domain's
 * `…ToDeliver` reads), whose row is also what the subscription resolves to.
 *
 * When the credential ends, the socket is closed (4401, see http/server.ts):
 * a watch started at connection init does it at once; the check per event is
 * the backstop, and closes the socket too rather than going silent.
 */
import type { Activation, SmsMessage } from "@smsape/db";
import { filter, map, pipe } from "graphql-yoga";
import { activationToDeliver } from "../../domain/activations/activations.ts";
import type { AccountActor } from "../../domain/actors.ts";
import { type Balance, balanceToDeliver } from "../../domain/ledger/ledger.ts";
import { smsMessageToDeliver } from "../../domain/sms/messages.ts";
import type { LiveEvents } from "../../platform/pubsub.ts";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { signedInAccount } from "../viewer.ts";
import { BalanceType } from "./ledger.ts";
import { SmsMessageType } from "./sms.ts";

/**
 * The subscriber's own events on a topic, each turned by `toDeliver` into what
 * it delivers (read for the subscriber, with their credential checked in the
 * same read): `undefined` drops an event that is not theirs, `null` says the
 * socket's credential no longer stands, which drops it and closes the socket.
 */
function deliveries<Topic extends keyof LiveEvents, Delivered>(
  context: Context,
  topic: Topic,
  toDeliver: (event: LiveEvents[Topic][1], account: AccountActor) => Promise<Delivered | null | undefined>,
): AsyncIterable<Delivered> {
  const account = signedInAccount(context.viewer);
  // Every topic is keyed by an account id; the generic signature cannot see that for a type parameter.
  const subscribe = context.services.events.subscribe.bind(context.services.events) as (
    topic: keyof LiveEvents,
    accountId: string,
  ) => AsyncIterable<LiveEvents[Topic][1]>;
  return pipe(
    subscribe(topic, account.accountId),
    map(async (event: LiveEvents[Topic][1]) => {
      const delivered = await toDeliver(event, account);
      // A socket outlives sign-out: the backstop to the credential's watch.
      if (delivered === null) context.connection?.credentialEnded();
      return delivered;
    }),
    filter((delivered): delivered is Delivered => delivered !== null && delivered !== undefined),
  );
}

builder.subscriptionField("smsReceived", (t) =>
  t.field({
    type: SmsMessageType,
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Each new SMS for your activations, or for the one activation given.",
    args: { activationId: t.arg.id({ required: false, description: "Only SMS for this activation." }) },
    // Each event becomes the SMS it names, read once for both the check and the result.
    subscribe: (_root, { activationId }, context) =>
      deliveries(context, "smsReceived", async (event, account) => {
        if (activationId && event.activationId !== String(activationId)) return undefined;
        const { credentialStands, message } = await smsMessageToDeliver(context.services, account, event);
        if (!credentialStands) return null;
        if (message && event.arrivedAt)
          context.services.metrics.smsDeliverySeconds.observe((Date.now() - event.arrivedAt) / 1000);
        return message ?? undefined;
      }),
    // The row has every column of the SMS; a relation the selection asks for (its `activation`)
    // is loaded by the prisma plugin's fallback, by the SMS's own id. A plain field, not a
    // prismaField: there is no Prisma query to build from the selection for each event.
    resolve: (message: SmsMessage) => message,
  }),
);

builder.subscriptionField("activationStatusChanged", (t) =>
  t.prismaField({
    type: "Activation",
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Your activations as their status changes, or the one activation given.",
    args: { activationId: t.arg.id({ required: false, description: "Only changes of this activation." }) },
    // Each event becomes the activation it names, read once for both the check and the result.
    subscribe: (_root, { activationId }, context) =>
      deliveries(context, "activationChanged", async (event, account) => {
        if (activationId && event.activationId !== String(activationId)) return undefined;
        const { credentialStands, activation } = await activationToDeliver(context.services, account, event.activationId);
        return credentialStands ? (activation ?? undefined) : null;
      }),
    // Every column of the activation; relations the selection asks for are loaded by the prisma plugin's fallback.
    resolve: (_query, activation: Activation) => activation,
  }),
);

builder.subscriptionField("balanceChanged", (t) =>
  t.field({
    type: BalanceType,
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Your balance, each time it moves.",
    // The balance is computed afresh for the subscriber, never taken from the event.
    subscribe: (_root, _args, context) =>
      deliveries(context, "balanceChanged", async (event, account) => {
        if (event.accountId !== account.accountId) return undefined;
        const { credentialStands, balance } = await balanceToDeliver(context.services, account);
        return credentialStands ? balance : null;
      }),
    resolve: (balance: Balance) => balance,
  }),
);
