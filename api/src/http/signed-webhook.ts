/**
 * Signed webhooks from the payment processor and the upstream SMS operator.
 * The sender signs `<timestamp>.<raw body>` with HMAC-SHA256 under a shared
 * secret and sends `X-Signature: t=<unix seconds>,v1=<hex digest>`. A delivery
 * with a bad signature, or a timestamp outside the tolerance (a replay), is
 * refused before its body is even parsed.
 */
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../domain/auth/tokens.ts";

export const signatureHeader = "x-signature";

export function signWebhook(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  const digest = createHmac("sha256", secret).update(`${timestampSeconds}.`).update(rawBody).digest("hex");
  return `t=${timestampSeconds},v1=${digest}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

export function verifyWebhookSignature(options: {
  secret: string;
  rawBody: Buffer;
  header: string | string[] | undefined;
  now: Date;
  toleranceSeconds: number;
}): SignatureCheck {
  const header = Array.isArray(options.header) ? options.header[0] : options.header;
  if (!header) return { ok: false, reason: "missing" };
  const parts = new Map(header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const timestamp = Number(parts.get("t"));
  const digest = parts.get("v1");
  if (!Number.isInteger(timestamp) || !digest) return { ok: false, reason: "malformed" };
  if (Math.abs(options.now.getTime() / 1000 - timestamp) > options.toleranceSeconds) return { ok: false, reason: "stale" };
  const expected = signWebhook(options.secret, options.rawBody, timestamp);
  return constantTimeEqual(expected, header.replace(/\s/g, "")) ? { ok: true } : { ok: false, reason: "mismatch" };
}
