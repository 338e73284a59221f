/**
 * The inbound webhooks (payment processor, upstream SMS operator). Each domain
 * module exports a WebhookRoute factory; list it here.
 */
import { paymentWebhookRoute } from "../domain/payments/payment-webhook.ts";
import { smsWebhookRoute } from "../domain/sms/sms-webhook.ts";
import type { Services } from "../services/index.ts";
import type { WebhookRoute } from "./server.ts";

export function webhookRoutes(services: Services): WebhookRoute[] {
  return [smsWebhookRoute(services), paymentWebhookRoute(services)];
}
