/**
 * POST /webhooks/payments: top-ups from the payment processor (P9, P10).
 *
 * In order: the signature (HMAC over the timestamp and raw body, within the
 * tolerance) or 401; the body must be JSON without duplicate keys or
 * unstorable characters, or 400; then the payload is scanned for card numbers
 * and wallet secrets (the event and account ids by their grammar instead),
 * refused with 422 and logged by reason and a keyed hash of the event id only;
 * then its shape, or 422; then it is recorded once per event id (a replay
 * answers 200 and changes nothing).
 *
 * Body: { "id": "evt_…", "type": "topup.succeeded", "accountId": "<uuid>",
 *         "amountMinor": 500, "currency": "USD" }
 */
import { z } from "zod";
import { logPseudonym } from "../../domain/crypto/log-pseudonyms.ts";
import { DomainError } from "../../domain/errors.ts";
import { findCardOrWalletData } from "../../domain/payments/card-data.ts";
import { isPaymentEventId, paymentEventIdGrammar, paymentIdentifiers } from "../../domain/payments/payment-event-id.ts";
import { recordTopUp } from "../../domain/payments/topups.ts";
import type { Services } from "../../services/index.ts";
import type { WebhookRoute } from "../server.ts";
import { signedJsonWebhook } from "../signed-webhook.ts";

export const paymentWebhookPath = "/webhooks/payments";

/** Largest single top-up accepted, in minor units (10,000.00). */
export const maxTopUpMinor = 1_000_000;

const topUpPayload = z.object({
  id: z.string().refine(isPaymentEventId, paymentEventIdGrammar),
  type: z.string().min(1),
  accountId: z.uuid({ error: "expected the account id (a UUID)" }),
  amountMinor: z
    .number()
    .int()
    .positive()
    .max(maxTopUpMinor)
    .transform((amount) => BigInt(amount)),
  currency: z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as USD"),
});

export function paymentWebhookRoute(services: Services): WebhookRoute {
  const log = services.logger.child({ component: "payment-webhook" });
  return signedJsonWebhook({
    services,
    path: paymentWebhookPath,
    sender: "payment",
    secret: services.config.webhooks.paymentSecret,
    async handle(payload) {
      const sensitive = findCardOrWalletData(payload, paymentIdentifiers);
      if (sensitive) {
        // The id itself may be where the card number is: only a keyed hash of it is logged.
        const id = (payload as { id?: unknown } | null)?.id;
        log.warn(
          { eventIdHash: typeof id === "string" ? logPseudonym(services.config.encryption, id) : null, reason: sensitive },
          "payment webhook refused: the payload looks like it carries card or wallet data",
        );
        return {
          status: 422,
          body: {
            code: "SENSITIVE_PAYMENT_DATA",
            error: `The payload looks like it carries ${sensitive === "card field" ? "a card data field" : `a ${sensitive}`}; it was discarded. Send no card or wallet data.`,
          },
        };
      }

      const parsed = topUpPayload.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          status: 422,
          body: { code: "INVALID_PAYLOAD", error: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}` },
        };
      }
      const event = parsed.data;
      if (event.type !== "topup.succeeded") {
        // Other event kinds are acknowledged so the processor stops retrying them.
        log.info({ eventId: event.id }, "payment webhook ignored: not a top-up event");
        return { status: 200, body: { status: "ignored" } };
      }

      try {
        const { replayed } = await recordTopUp(services, event);
        log.info({ eventId: event.id, replayed }, "payment webhook processed");
        return { status: 200, body: { status: replayed ? "duplicate" : "recorded" } };
      } catch (error) {
        if (error instanceof DomainError) {
          log.warn({ eventId: event.id, errorCode: error.code }, "payment webhook refused");
          return { status: 422, body: { code: error.code, error: error.message } };
        }
        throw error;
      }
    },
  });
}
