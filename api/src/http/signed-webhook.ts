/**
 * Signed webhooks from the payment processor and the upstream SMS operator.
 * The sender signs `<timestamp>.<raw body>` with HMAC-SHA256 under a shared
 * secret and sends `X-Signature: t=<unix seconds>,v1=<hex digest>`. A delivery
 * with a bad signature, or a timestamp outside the tolerance (a replay), is
 * refused before its body is even parsed.
 */
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../domain/auth/tokens.ts";
import type { Services } from "../services/index.ts";
import type { WebhookRoute } from "./server.ts";

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

const refusal: Record<Exclude<SignatureCheck, { ok: true }>["reason"], string> = {
  missing: "The X-Signature header is missing.",
  malformed: "The X-Signature header is not of the form t=<unix seconds>,v1=<hex digest>.",
  stale: "The signature's timestamp is too old or too new.",
  mismatch: "The signature does not match the body.",
};

/**
 * A webhook route whose handler only ever sees a verified, parsed JSON body:
 * unsigned, replayed or forged deliveries are answered 401 and bodies that are
 * not JSON 400, before any of their content is looked at.
 */
export function signedJsonWebhook(options: {
  services: Services;
  path: string;
  /** Names the sender in the log. */
  sender: string;
  secret: string;
  handle(payload: unknown): Promise<{ status: number; body: unknown }>;
}): WebhookRoute {
  const { services } = options;
  const log = services.logger.child({ component: `${options.sender}-webhook` });
  return {
    path: options.path,
    async handle({ rawBody, headers }) {
      const check = verifyWebhookSignature({
        secret: options.secret,
        rawBody,
        header: headers[signatureHeader],
        now: services.now(),
        toleranceSeconds: services.config.webhooks.toleranceSeconds,
      });
      if (!check.ok) {
        log.warn({ reason: check.reason }, "webhook refused: signature");
        return { status: 401, body: { code: "BAD_SIGNATURE", error: refusal[check.reason] } };
      }
      let payload: unknown;
      try {
        payload = JSON.parse(rawBody.toString("utf8"));
      } catch {
        return { status: 400, body: { code: "INVALID_JSON", error: "The body is not JSON." } };
      }
      return options.handle(payload);
    },
  };
}
