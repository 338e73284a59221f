import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.ts";
import { defaultRateLimits, networkPrefix } from "./rate-limits.ts";

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
});
