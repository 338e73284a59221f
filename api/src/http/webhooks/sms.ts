/**
 * POST /webhooks/sms: the upstream operator's delivery of an inbound SMS.
 * The signature (HMAC over the timestamp and the raw body) is checked before
 * the body is parsed; a forged, stale or malformed delivery changes nothing.
 *
 *   { "messageId": "op-123", "to": "+447700900123", "text": "Your code is 482913",
 *     "receivedAt": "2026-03-20T10:00:00Z", "from": "Telegram", "route": "uk-2" }
 *
 * Answers: 200 { status: "delivered" | "duplicate" }, 202 { status: "dropped" }
 * (no activation holds the number), 400 (bad body), 401 (bad signature).
 */
import { z } from "zod";
import { ingestInboundSms } from "../../domain/sms/ingest.ts";
import type { Services } from "../../services/index.ts";
import type { WebhookRoute } from "../server.ts";
import { signedJsonWebhook } from "../signed-webhook.ts";

export const smsWebhookPath = "/webhooks/sms";

export const inboundSmsPayload = z.object({
  messageId: z.string().trim().min(1).max(200),
  to: z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 number such as +447700900123"),
  text: z.string().min(1).max(2000),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  from: z.string().max(64).optional(),
  route: z.string().max(128).optional(),
});

export type InboundSmsPayload = z.input<typeof inboundSmsPayload>;

export function smsWebhookRoute(services: Services): WebhookRoute {
  const log = services.logger.child({ component: "sms-webhook" });
  return signedJsonWebhook({
    services,
    path: smsWebhookPath,
    sender: "sms",
    secret: services.config.webhooks.smsSecret,
    async handle(json) {
      const parsed = inboundSmsPayload.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join(".") || "body", message: issue.message }));
        log.warn({ fields: issues.map((issue) => issue.field) }, "sms webhook refused: invalid body");
        return { status: 400, body: { error: "The body is not a valid SMS delivery.", issues } };
      }
      const sms = parsed.data;
      const result = await ingestInboundSms(services, {
        upstreamMessageId: sms.messageId,
        to: sms.to,
        text: sms.text,
        receivedAt: sms.receivedAt ? new Date(sms.receivedAt) : undefined,
        route: sms.route ?? null,
        sender: sms.from ?? null,
      });
      if (result.outcome === "no-live-activation") return { status: 202, body: { status: "dropped" } };
      return { status: 200, body: { status: result.outcome } };
    },
  });
}
