import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gzipPieces } from "./gzip-pieces.ts";

const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("gzipPieces", () => {
  it("makes one gzip file of the pieces in their order, whatever order they become ready in", async () => {
    const pieces = ['{"a":', later("[1,2,3]", 30), ',"b":"é€😀', later('"}', 5), ""];
    const gzip = await gzipPieces(pieces, 1);
    expect(gunzipSync(gzip).toString("utf8")).toBe('{"a":[1,2,3],"b":"é€😀"}');
  });

  it("compresses large repetitive pieces as gzip does, and the trailer's checksum and length hold", async () => {
    const row = '{"id":"0192","status":"FINISHED","createdAt":"2026-11-26T20:00:00.000Z"}';
    const pieces = Array.from({ length: 4 }, (_, index) =>
      later(`${index ? "," : "["}${Array(5_000).fill(row).join(",")}`, 10 - index),
    );
    const gzip = await gzipPieces([...pieces, "]"], 1);
    const text = gunzipSync(gzip).toString("utf8");
    expect(JSON.parse(text)).toHaveLength(20_000);
    expect(gzip.length).toBeLessThan(text.length / 10);
    // A corrupted trailer is refused by gunzip: the checksum is really checked.
    const corrupted = Buffer.from(gzip);
    corrupted[corrupted.length - 8] = (corrupted[corrupted.length - 8] as number) ^ 0xff;
    expect(() => gunzipSync(corrupted)).toThrow(/check/);
  });

  it("fails when a piece fails", async () => {
    await expect(gzipPieces(["a", Promise.reject(new Error("read failed"))], 1)).rejects.toThrow("read failed");
  });
});
