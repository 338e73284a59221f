import { createServer } from "node:net";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.ts";
import { createRateLimits, defaultRateLimits, networkPrefix } from "./rate-limits.ts";

describe("rate limits", () => {
  it("counts an address by its network: the /24 of IPv4, the /64 of IPv6, mapped IPv4 as IPv4", () => {
    expect(networkPrefix("203.0.113.77")).toBe("203.0.113.0/24");
    expect(networkPrefix("::ffff:203.0.113.9")).toBe("203.0.113.0/24");
    expect(networkPrefix("2001:db8:0:12:abcd::1")).toBe("2001:db8:0:12::/64");
    expect(networkPrefix("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(networkPrefix("[::1]")).toBe("0:0:0:0::/64");
    expect(networkPrefix("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(networkPrefix("not an address")).toBe("unknown");
  });

  it("takes its numbers from RATE_LIMITS over the defaults, and refuses a name or number it does not know", () => {
    const config = loadConfig({ RATE_LIMITS: "sign-up.network=10/3600, sign-in.account=4/600/1800" }, "/srv");
    expect(config.rateLimits["sign-up.network"]).toEqual({ points: 10, seconds: 3600 });
    expect(config.rateLimits["sign-in.account"]).toEqual({ points: 4, seconds: 600, blockSeconds: 1800 });
    expect(config.rateLimits["order.network"]).toEqual(defaultRateLimits["order.network"]);
    expect(() => loadConfig({ RATE_LIMITS: "sign-ups=10/3600" }, "/srv")).toThrow(ConfigError);
    expect(() => loadConfig({ RATE_LIMITS: "sign-up.network=0/3600" }, "/srv")).toThrow(/expected name=points\/seconds/);
    expect(() => loadConfig({ TRUST_PROXY_HOPS: "9" }, "/srv")).toThrow(/TRUST_PROXY_HOPS/);
  });

  it("P12: keeps refusing when Redis cannot be reached, counting in memory instead of failing the request", async () => {
    // A port nothing listens on: take a free one and close it again.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const redis = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    redis.on("error", () => {});
    const limits = createRateLimits({
      limits: { ...defaultRateLimits, "order.account": { points: 2, seconds: 60 } },
      secret: Buffer.alloc(32, 7),
      scope: "unreachable-redis",
      redis,
      databaseUrl: "",
      maxConnections: 1,
    });
    try {
      const key = limits.hashKey("account", "account-1");
      expect(await limits.consume("order.account", key)).toEqual({ allowed: true });
      expect(await limits.consume("order.account", key)).toEqual({ allowed: true });
      const third = await limits.consume("order.account", key);
      expect(third.allowed).toBe(false);
      expect(third.allowed === false && third.retryAfterSeconds).toBeGreaterThan(0);
      // Another key has its own count.
      expect(await limits.consume("order.account", limits.hashKey("account", "account-2"))).toEqual({ allowed: true });
    } finally {
      await limits.close();
      redis.disconnect();
    }
  });
});
