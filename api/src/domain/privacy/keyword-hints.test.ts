import { describe, expect, it } from "vitest";
import { suggestPrivacyKind } from "./keyword-hints.ts";

describe("keyword hints on support tickets", () => {
  it.each([
    ["Please delete my account and everything about me", "DELETION"],
    ["I invoke my right to be forgotten", "DELETION"],
    ["Can I get a copy of my data?", "ACCESS"],
    ["What data do you hold about me", "ACCESS"],
    ["Please correct my email address", "CORRECTION"],
    ["Stop processing my data while you look into this", "RESTRICTION"],
    ["I object to the use of my number for fraud checks", "OBJECTION"],
  ])("suggests a right for %j", (text, kind) => {
    expect(suggestPrivacyKind(text)).toBe(kind);
  });

  it("suggests nothing for a routine question", () => {
    expect(suggestPrivacyKind("My SMS code never arrived for telegram, can you refund?")).toBeNull();
  });
});
