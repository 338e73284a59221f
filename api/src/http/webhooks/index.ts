/**
 * The inbound webhooks (payment processor, upstream SMS operator): one module
 * per sender in this folder, each a WebhookRoute factory that checks the
 * signature (../signed-webhook.ts), validates the body and hands it to the
 * domain. List each here.
 */

import type { Services } from "../../services/index.ts";
import type { WebhookRoute } from "../server.ts";
import { paymentWebhookRoute } from "./payments.ts";
import { smsWebhookRoute } from "./sms.ts";

export function webhookRoutes(services: Services): WebhookRoute[] {
  return [smsWebhookRoute(services), paymentWebhookRoute(services)];
}
