/**
 * The inbound webhooks (payment processor, upstream SMS operator). Each domain
 * module exports a WebhookRoute factory; list it here.
 */
import type { Services } from "../services/index.ts";
import type { WebhookRoute } from "./server.ts";

export function webhookRoutes(_services: Services): WebhookRoute[] {
  return [];
}
