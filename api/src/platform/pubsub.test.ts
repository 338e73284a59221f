import { afterEach, describe, expect, it } from "vitest";
import { createLiveEventBus, type LiveEventBus } from "./pubsub.ts";

const redisUrl = process.env.REDIS_URL || null;
const buses: LiveEventBus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

async function firstEvent<T>(iterator: AsyncIterator<T>, timeoutMs = 5_000): Promise<T> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event")), timeoutMs));
  const result = await Promise.race([iterator.next(), timeout]);
  return result.value;
}

describe("live events", () => {
  it("reach a subscriber of the same account in one process, and only that account", async () => {
    const bus = createLiveEventBus(null);
    buses.push(bus);
    const mine = bus.pubsub.subscribe("balanceChanged", "account-a")[Symbol.asyncIterator]();
    const theirs = bus.pubsub.subscribe("balanceChanged", "account-b")[Symbol.asyncIterator]();
    const next = firstEvent(mine);
    bus.pubsub.publish("balanceChanged", "account-a", { accountId: "account-a" });
    expect(await next).toEqual({ accountId: "account-a" });
    await expect(firstEvent(theirs, 300)).rejects.toThrow("no event");
  });

  it.skipIf(!redisUrl)("reach a subscriber on another instance through Redis (REDIS_URL)", async () => {
    const publisher = createLiveEventBus(redisUrl);
    const subscriber = createLiveEventBus(redisUrl);
    buses.push(publisher, subscriber);
    expect(subscriber.transport).toBe("redis");
    const events = subscriber.pubsub.subscribe("smsReceived", "account-a")[Symbol.asyncIterator]();
    const next = firstEvent(events);
    // The subscription reaches Redis asynchronously; publish until it is heard.
    const timer = setInterval(
      () => publisher.pubsub.publish("smsReceived", "account-a", { activationId: "x", messageId: "m" }),
      100,
    );
    try {
      expect(await next).toEqual({ activationId: "x", messageId: "m" });
    } finally {
      clearInterval(timer);
    }
  });
});
