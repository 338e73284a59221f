/**
 * Live events for subscriptions. In one process an in-memory event target
 * serves; with REDIS_URL every instance publishes to and hears from Redis, so a
 * subscriber connected to instance A receives what instance B published.
 */
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";

/** Topics are keyed by the owning account: a subscriber only ever listens on its own. */
export type LiveEvents = {
  /** An SMS arrived for one of the account's activations. */
  smsReceived: [accountId: string, payload: { activationId: string; messageId: string }];
  /** One of the account's activations changed status. */
  activationChanged: [accountId: string, payload: { activationId: string }];
  /** The account's balance moved. */
  balanceChanged: [accountId: string, payload: { accountId: string }];
};

export type PubSub = ReturnType<typeof createPubSub<LiveEvents>>;

export interface LiveEventBus {
  pubsub: PubSub;
  transport: "memory" | "redis";
  close(): Promise<void>;
}

export function createLiveEventBus(redisUrl: string | null): LiveEventBus {
  if (!redisUrl) return { pubsub: createPubSub<LiveEvents>(), transport: "memory", close: async () => {} };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<LiveEvents>({ eventTarget }),
    transport: "redis",
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
