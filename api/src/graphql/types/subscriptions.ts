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
import { balanceOf } from "../../domain/ledger/ledger.ts";
import type { LiveEvents } from "../../platform/pubsub.ts";
import { builder, notAuthorized } from "../builder.ts";
import type { Context } from "../context.ts";
import { BalanceType } from "./ledger.ts";

function accountIdOf(context: Context): string {
  if (context.viewer.kind !== "account") throw notAuthorized();
  return context.viewer.accountId;
}

/** The subscriber's own events on a topic, each kept only if `owns` says it is theirs. */
function ownEvents<Topic extends keyof LiveEvents>(
  context: Context,
  topic: Topic,
  owns: (payload: LiveEvents[Topic][1], accountId: string) => Promise<boolean>,
) {
  const accountId = accountIdOf(context);
  // Every topic is keyed by an account id; the generic signature cannot see that for a type parameter.
  const subscribe = context.services.events.subscribe.bind(context.services.events) as (
    topic: keyof LiveEvents,
    accountId: string,
  ) => AsyncIterable<LiveEvents[Topic][1]>;
  const events = subscribe(topic, accountId);
  const viewer = context.viewer as Extract<Context["viewer"], { kind: "account" }>;
  return pipe(
    events,
    // A socket outlives sign-out: each event re-checks that its credential still stands.
    filter(async (payload: LiveEvents[Topic][1]) => {
      if (!(await credentialStillValid(context.services, viewer))) {
        context.connection?.credentialEnded();
        return false;
      }
      return owns(payload, accountId);
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
        const owned = await context.services.db.smsMessage.count({
          where: { id: payload.messageId, activationId: payload.activationId, activation: { accountId } },
        });
        return owned === 1;
      }),
    resolve: async (query, payload: LiveEvents["smsReceived"][1], _args, context) => {
      const message = await context.services.db.smsMessage.findFirst({
        ...query,
        where: { id: payload.messageId, activation: { accountId: accountIdOf(context) } },
      });
      if (!message) throw notAuthorized();
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
        return (await context.services.db.activation.count({ where: { id: payload.activationId, accountId } })) === 1;
      }),
    resolve: async (query, payload: LiveEvents["activationChanged"][1], _args, context) => {
      const activation = await context.services.db.activation.findFirst({
        ...query,
        where: { id: payload.activationId, accountId: accountIdOf(context) },
      });
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
    resolve: (_payload, _args, context) => balanceOf(context.services.db, accountIdOf(context)),
  }),
);
