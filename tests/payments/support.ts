import type { TestApp } from "@smsape/api/testing";
import { signWebhook } from "../../api/src/http/signed-webhook.ts";

/** Posts a payment event to the webhook as the processor would, signed unless told otherwise. */
export async function postPaymentEvent(
  app: TestApp,
  event: unknown,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
) {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const timestamp = options.timestamp ?? Math.floor(app.services.now().getTime() / 1000);
  const signature =
    options.signature === undefined
      ? signWebhook(options.secret ?? app.services.config.webhooks.paymentSecret, body, timestamp)
      : options.signature;
  const response = await fetch(`${app.url}/webhooks/payments`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature ? { "x-signature": signature } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { status?: string; code?: string; error?: string } };
}
