import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/index.ts";
import { forgetPastEmailCounts, hourlyEmailLimits, takeEmailAllowance } from "./rate-limits.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const minutes = (count: number) => count * 60_000;
const start = new Date("2026-11-26T10:00:00Z").getTime();

/** Takes an allowance as of `minutesIn` minutes after `start`. */
const take = (address: string, minutesIn: number, template: "password-reset" | "account-exists" = "password-reset") =>
  app.services.db.$transaction((tx) =>
    takeEmailAllowance(tx, { config: app.services.config, now: () => new Date(start + minutes(minutesIn)) }, address, template),
  );

describe("email rate limits", () => {
  it("allows three emails of a kind to an address in any hour, counting each kind apart", async () => {
    expect(hourlyEmailLimits["password-reset"]).toBe(3);
    const results = [await take("a@example.test", 0), await take("A@example.test ", 10), await take("a@example.test", 20)];
    expect(results).toEqual([true, true, true]);
    expect(await take("a@example.test", 30)).toBe(false);
    expect(await take("a@example.test", 59)).toBe(false);
    // Another kind of email, and another address, have counts of their own.
    expect(await take("a@example.test", 30, "account-exists")).toBe(true);
    expect(await take("b@example.test", 30)).toBe(true);
    // The hour rolls: the email of minute 0 no longer counts after minute 60, that of minute 10 after minute 70.
    expect(await take("a@example.test", 61)).toBe(true);
    expect(await take("a@example.test", 65)).toBe(false);
    expect(await take("a@example.test", 71)).toBe(true);
  });

  it("forgets the counts whose hour has passed, and only those", async () => {
    await take("old@example.test", 200);
    await take("recent@example.test", 250);
    const removed = await forgetPastEmailCounts(app.services.db, new Date(start + minutes(261)));
    expect(removed).toBeGreaterThanOrEqual(1);
    const left = await app.services.db.emailRateLimit.findMany({ select: { sentAt: true } });
    expect(left.map((row) => row.sentAt.map((at) => (at.getTime() - start) / 60_000))).toEqual([[250]]);
  });
});
