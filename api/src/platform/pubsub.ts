/**
 * Live events for subscriptions. In one process an in-memory event target
 * serves; with REDIS_URL every instance publishes to and hears from Redis, so a
 * subscriber connected to instance A receives what instance B published.
 *
 * Events carry ids only, never content: a subscription loads what it shows
 * from the database, for its own subscriber, as each event arrives (P7).
 */
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import type { Logger } from "./logger.ts";

/**
 * Topics are keyed by the owning account (a staff member's for staff topics):
 * a subscriber only ever listens on its own.
 */
export type LiveEvents = {
  /** An SMS arrived for one of the account's activations. */
  smsReceived: [
    accountId: string,
    /** `arrivedAt`: when the webhook took the SMS (ms since epoch), for the delivery latency metric. */
    payload: { activationId: string; messageId: string; arrivedAt?: number },
  ];
  /** One of the account's activations changed status. */
  activationChanged: [accountId: string, payload: { activationId: string }];
  /** The account's balance moved. */
  balanceChanged: [accountId: string, payload: { accountId: string }];
  /** A session or API key of the account ended: each open socket of the account checks whether its own still stands. */
  credentialsEnded: [accountId: string, payload: { accountId: string }];
  /** A session of the staff member ended: each of their open sockets checks whether its own still stands. */
  staffCredentialsEnded: [staffUserId: string, payload: { staffUserId: string }];
  /** A privacy request in the staff queue changed (filed, moved, due soon, overdue); one topic for the whole queue. */
  privacyQueueChanged: [queue: "queue", payload: { privacyRequestId: string }];
};

export type PubSub = ReturnType<typeof createPubSub<LiveEvents>>;

export interface LiveEventBus {
  pubsub: PubSub;
  transport: "memory" | "redis";
  /** Whether events can reach other instances now: Redis answers a PING (always "ok" in memory). */
  check(): Promise<"ok" | "unreachable">;
  close(): Promise<void>;
}

export function createLiveEventBus(redisUrl: string | null, logger?: Logger): LiveEventBus {
  if (!redisUrl)
    return { pubsub: createPubSub<LiveEvents>(), transport: "memory", check: async () => "ok", close: async () => {} };
  const log = logger?.child({ component: "live-events" });
  // Not auto-pipelined: ioredis defers such commands with setImmediate, a phase of other I/O before each publish.
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  for (const client of [publishClient, subscribeClient]) {
    client.on("error", (error: Error) => log?.warn({ err: { message: error.message } }, "redis connection error"));
  }
  const eventTarget = createRedisEventTarget({
    publishClient: withCaughtCommands(publishClient, log),
    subscribeClient: withCaughtCommands(subscribeClient, log),
  });
  return {
    pubsub: createPubSub<LiveEvents>({ eventTarget }),
    transport: "redis",
    async check() {
      // The subscribing connection matters as much: a PING on each, given a second at most.
      const ping = (client: Redis) =>
        Promise.race([
          client.ping().then((reply) => reply === "PONG"),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000).unref()),
        ]).catch(() => false);
      return (await ping(publishClient)) && subscribeClient.status === "ready" ? "ok" : "unreachable";
    },
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}

/**
 * The Redis event target fires publish/subscribe/unsubscribe without awaiting
 * them: a failure (Redis away, or a subscription ending while the service shuts
 * down) would be an unhandled rejection. Here it is logged instead; a live event
 * lost that way is recovered by the client reading the current state.
 */
function withCaughtCommands(client: Redis, log: Logger | undefined): Redis {
  const guarded = new Set<PropertyKey>(["publish", "subscribe", "unsubscribe"]);
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!guarded.has(property)) return value.bind(target);
      return (...args: unknown[]) =>
        (value.apply(target, args) as Promise<unknown>).catch((error: Error) => {
          log?.warn({ err: { message: error.message }, command: String(property) }, "redis command failed");
        });
    },
  });
}
