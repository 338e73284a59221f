/**
 * The inbound webhooks (payment processor, upstream SMS operator). Each domain
 * module exports a WebhookRoute factory; list it here.
 */

import type { Services } from "../../services/index.ts";
import type { WebhookRoute } from "../server.ts";
import { paymentWebhookRoute } from "./payments.ts";
import { smsWebhookRoute } from "./sms.ts";

export function webhookRoutes(services: Services): WebhookRoute[] {
  return [smsWebhookRoute(services), paymentWebhookRoute(services)];
}
