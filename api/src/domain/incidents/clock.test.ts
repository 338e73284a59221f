import { describe, expect, it } from "vitest";
import { authorityClock } from "./clock.ts";

const hour = 60 * 60_000;
const awareAt = new Date("2026-11-20T10:00:00Z");
const at = (hours: number) => new Date(awareAt.getTime() + hours * hour);
const open = { awareAt, authorityNotifiedAt: null, authorityDecision: null } as const;

describe("the authority clock", () => {
  it("P21: is due 72 hours after awareness, due soon in its last 12 hours, overdue from the deadline on", () => {
    expect(authorityClock(open, at(0)).deadline).toEqual(at(72));
    expect(authorityClock(open, at(60)).status).toBe("ON_TRACK");
    expect(authorityClock(open, at(60.01)).status).toBe("DUE_SOON");
    expect(authorityClock(open, at(71.99)).status).toBe("DUE_SOON");
    expect(authorityClock(open, at(72))).toMatchObject({ status: "OVERDUE", remainingMs: 0 });
    expect(authorityClock(open, at(80)).remainingMs).toBe(-8 * hour);
  });

  it("stops when the authority is notified, even late, or when notifying it is decided not to be required", () => {
    expect(authorityClock({ ...open, authorityDecision: "NOTIFY", authorityNotifiedAt: at(90) }, at(100))).toMatchObject({
      status: "NOTIFIED",
      remainingMs: null,
    });
    expect(authorityClock({ ...open, authorityDecision: "NOT_REQUIRED" }, at(100)).status).toBe("NOT_REQUIRED");
    // Deciding to notify does not stop the clock: notifying does.
    expect(authorityClock({ ...open, authorityDecision: "NOTIFY" }, at(100)).status).toBe("OVERDUE");
  });
});
