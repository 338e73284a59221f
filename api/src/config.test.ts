import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const explain = (env: Record<string, string>) => {
  try {
    loadConfig(env, "/srv");
    return "accepted";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

/** Everything production requires. */
const production = {
  NODE_ENV: "production",
  ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
  PAYMENT_WEBHOOK_SECRET: "x".repeat(32),
  SMS_WEBHOOK_SECRET: "y".repeat(32),
  AUDIT_SIGNING_KEY: Buffer.alloc(32, 3).toString("base64"),
  PUBLIC_URL: "https://sms.example.com",
  DATABASE_URL: "postgres://db.internal/smsape",
  SMTP_URL: "smtps://mailer:secret@smtp.example.com",
};

describe("configuration", () => {
  it("has sensible defaults for a laptop: embedded database under .data, simulator and demo data on", () => {
    const config = loadConfig({}, "/srv");
    expect(config.http.port).toBe(4000);
    expect(config.database).toEqual({ kind: "embedded", dataDir: "/srv/.data/postgres" });
    expect(config.simulator).toBe(true);
    expect(config.demoData).toBe(true);
    expect(config.activations.timeoutMinutes).toBe(20);
  });

  it("names the bad variable and what it expects, in one line", () => {
    expect(explain({ PORT: "http" })).toBe("PORT: expected a port number");
    expect(explain({ DATABASE_URL: "mysql://x" })).toBe("DATABASE_URL: expected a postgres:// URL");
    expect(explain({ REDIS_URL: "localhost:6379" })).toBe("REDIS_URL: expected a redis:// URL");
    expect(explain({ SIMULATOR: "maybe" })).toBe("SIMULATOR: expected true or false");
    expect(explain({ ENCRYPTION_KEYS: "k1:short" })).toBe(
      "ENCRYPTION_KEYS: expected id:base64 pairs of 32-byte keys, separated by commas",
    );
  });

  it("refuses to run in production on development secrets or without a server database or mail relay", () => {
    expect(explain({ NODE_ENV: "production" })).toBe("ENCRYPTION_KEYS: required when NODE_ENV=production");
    const { DATABASE_URL, SMTP_URL, ...withoutServers } = production;
    expect(explain(withoutServers)).toBe("DATABASE_URL: required when NODE_ENV=production");
    expect(explain({ ...withoutServers, DATABASE_URL })).toBe("SMTP_URL: required when NODE_ENV=production");
    expect(explain({ ...withoutServers, DATABASE_URL, SMTP_URL })).toBe("accepted");
    const { AUDIT_SIGNING_KEY, ...withoutAuditKey } = production;
    expect(explain(withoutAuditKey)).toBe("AUDIT_SIGNING_KEY: required when NODE_ENV=production");
    expect(explain({ ...production, AUDIT_SIGNING_KEY: "c2hvcnQ=" })).toBe(
      "AUDIT_SIGNING_KEY: expected the base64 of a 32-byte Ed25519 private key (seed)",
    );
  });

  it("refuses demo data in production: its staff logins and authenticator secrets are public", () => {
    expect(explain({ ...production, DEMO_DATA: "true" })).toBe(
      "DEMO_DATA: not allowed when NODE_ENV=production (demo logins are public)",
    );
  });

  it("turns the simulator and demo data off in production and uses secure cookies over https", () => {
    const config = loadConfig(production, "/srv");
    expect(config.simulator).toBe(false);
    expect(config.demoData).toBe(false);
    expect(config.http.secureCookies).toBe(true);
    expect(config.encryption.activeKeyId).toBe("k1");
  });
});
