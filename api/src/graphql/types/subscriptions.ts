/**
 * Live events over graphql-ws (customer API). The socket is authenticated at
 * connection init (anonymous sockets are refused, see http/server.ts); each
 * subscription listens only on topics keyed by the subscriber's own account id,
 * and every event is authorised again as it is delivered: the credential the
 * socket connected with must still stand (not signed out or revoked), the payload is loaded
 * from the database with the subscriber's account id in the query, and an event
 * that does not belong to the subscriber is dropped, never sent (P7).
 *
 * When the credential ends, the socket is closed (4401, see http/server.ts):
 * a watch started at connection init does it at once; the check per event is
 * the backstop, and closes the socket too rather than going silent.
 */
import { filter, pipe } from "graphql-yoga";
import { credentialStillValid } from "../../domain/accounts/credentials.ts";
import { findOwnActivation } from "../../domain/activations/activations.ts";
import { currentBalance } from "../../domain/ledger/ledger.ts";
import { findOwnSmsMessage } from "../../domain/sms/messages.ts";
import type { LiveEvents } from "../../platform/pubsub.ts";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { notAuthorized, signedInAccount } from "../viewer.ts";
import { BalanceType } from "./ledger.ts";

/** The subscriber's own events on a topic, each kept only if `owns` says it is theirs. */
function ownEvents<Topic extends keyof LiveEvents>(
  context: Context,
  topic: Topic,
  owns: (payload: LiveEvents[Topic][1], accountId: string) => Promise<boolean>,
) {
  const account = signedInAccount(context.viewer);
  // Every topic is keyed by an account id; the generic signature cannot see that for a type parameter.
  const subscribe = context.services.events.subscribe.bind(context.services.events) as (
    topic: keyof LiveEvents,
    accountId: string,
  ) => AsyncIterable<LiveEvents[Topic][1]>;
  const events = subscribe(topic, account.accountId);
  return pipe(
    events,
    // A socket outlives sign-out: each event re-checks that its credential still stands.
    filter(async (payload: LiveEvents[Topic][1]) => {
      if (!(await credentialStillValid(context.services, account))) {
        context.connection?.credentialEnded();
        return false;
      }
      return owns(payload, account.accountId);
    }),
  );
}

builder.subscriptionField("smsReceived", (t) =>
  t.prismaField({
    type: "SmsMessage",
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Each new SMS for your activations, or for the one activation given.",
    args: { activationId: t.arg.id({ required: false, description: "Only SMS for this activation." }) },
    subscribe: (_root, { activationId }, context) =>
      ownEvents(context, "smsReceived", async (payload, accountId) => {
        if (activationId && payload.activationId !== String(activationId)) return false;
        const own = await findOwnSmsMessage(context.services, accountId, payload.messageId, { select: { activationId: true } });
        return own?.activationId === payload.activationId;
      }),
    resolve: async (query, payload: LiveEvents["smsReceived"][1], _args, context) => {
      const message = await findOwnSmsMessage(
        context.services,
        signedInAccount(context.viewer).accountId,
        payload.messageId,
        query,
      );
      if (!message) throw notAuthorized();
      if (payload.arrivedAt) context.services.metrics.smsDeliverySeconds.observe((Date.now() - payload.arrivedAt) / 1000);
      return message;
    },
  }),
);

builder.subscriptionField("activationStatusChanged", (t) =>
  t.prismaField({
    type: "Activation",
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Your activations as their status changes, or the one activation given.",
    args: { activationId: t.arg.id({ required: false, description: "Only changes of this activation." }) },
    subscribe: (_root, { activationId }, context) =>
      ownEvents(context, "activationChanged", async (payload, accountId) => {
        if (activationId && payload.activationId !== String(activationId)) return false;
        return (await findOwnActivation(context.services, accountId, payload.activationId, { select: { id: true } })) !== null;
      }),
    resolve: async (query, payload: LiveEvents["activationChanged"][1], _args, context) => {
      const activation = await findOwnActivation(
        context.services,
        signedInAccount(context.viewer).accountId,
        payload.activationId,
        query,
      );
      if (!activation) throw notAuthorized();
      return activation;
    },
  }),
);

builder.subscriptionField("balanceChanged", (t) =>
  t.field({
    type: BalanceType,
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Your balance, each time it moves.",
    subscribe: (_root, _args, context) =>
      ownEvents(context, "balanceChanged", async (payload, accountId) => payload.accountId === accountId),
    // The balance is computed afresh for the subscriber, never taken from the event.
    resolve: (_payload, _args, context) => currentBalance(context.services, signedInAccount(context.viewer).accountId),
  }),
);
