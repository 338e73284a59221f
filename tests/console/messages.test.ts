import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "../../console/src/i18n/en.ts";

/**
 * Every message key the console's source names literally (`"smsape.…"`,
 * `"resources.…"`, `"ra.…"`) must exist in the English messages: polyglot
 * would otherwise show the key itself to staff. A key built from a template
 * (`smsape.requests.kinds.${kind}`) must at least name a group of messages.
 */
const source = join(import.meta.dirname, "../../console/src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && folder !== join(source, "i18n") ? [path] : [];
  });
}

/** The messages as "a.b.c" → value, groups included. */
function flatten(messages: object, prefix = ""): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    flat.set(path, value);
    if (value && typeof value === "object") for (const [inner, leaf] of flatten(value, path)) flat.set(inner, leaf);
  }
  return flat;
}

const messages = flatten(en);
const keyPattern = /(["'`])((?:smsape|resources|ra)\.[A-Za-z0-9_.-]*[A-Za-z0-9_])\1/g;
const groupPattern = /`((?:smsape|resources|ra)\.[A-Za-z0-9_.]*)\$\{/g;

describe("console messages", () => {
  const files = sourceFiles(source);

  it("finds the console's source", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it("has an English message for every key the console names", () => {
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const [, , key] of text.matchAll(keyPattern)) {
        // A literal may also name a group, for choices built from it (`keyedChoices("smsape.requests.kinds", …)`).
        if (!messages.has(key!)) missing.push(`${file.slice(source.length + 1)}: ${key}`);
      }
      for (const [, prefix] of text.matchAll(groupPattern)) {
        const group = prefix!.replace(/\.$/, "");
        if (typeof messages.get(group) !== "object") missing.push(`${file.slice(source.length + 1)}: ${group}.*`);
      }
    }
    expect(missing).toEqual([]);
  });
});
