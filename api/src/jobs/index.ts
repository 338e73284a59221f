/**
 * Every background job the service runs, registered at start. Each domain
 * module exports its own `register…Jobs(services)`; list it here.
 */

import { registerAbuseSignalJobs } from "../domain/abuse/signals.ts";
import { registerAccountJobs } from "../domain/accounts/jobs.ts";
import { registerActivationJobs } from "../domain/activations/jobs.ts";
import { registerAuditJobs } from "../domain/audit/checkpoints.ts";
import { registerEmailJobs } from "../domain/email/delivery.ts";
import { registerPolicyJobs } from "../domain/policy/publishing.ts";
import { registerAccessExportJobs } from "../domain/privacy/access-export.ts";
import { registerPrivacyJobs } from "../domain/privacy/reminders.ts";
import { registerPrivacyReportJobs } from "../domain/privacy/requests.ts";
import { registerRetentionJobs } from "../domain/retention/purges.ts";
import { registerWebhookJobs } from "../domain/webhooks/delivery.ts";
import type { Services } from "../services/index.ts";

export async function registerJobs(services: Services): Promise<void> {
  // First: other jobs queue emails inside their transactions, which needs the email queue to exist.
  await registerEmailJobs(services);
  // Likewise: activation steps (timeouts included) queue webhook deliveries inside theirs.
  await registerWebhookJobs(services);
  await registerAccountJobs(services);
  await registerActivationJobs(services);
  await registerPolicyJobs(services);
  await registerAccessExportJobs(services);
  await registerAuditJobs(services);
  await registerPrivacyJobs(services);
  await registerPrivacyReportJobs(services);
  await registerRetentionJobs(services);
  await registerAbuseSignalJobs(services);
}
