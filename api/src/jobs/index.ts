/**
 * Every background job the service runs, registered at start. Each domain
 * module exports its own `register…Jobs(services)`; list it here.
 */

import { registerAccountJobs } from "../domain/accounts/jobs.ts";
import { registerActivationJobs } from "../domain/activations/jobs.ts";
import { registerEmailJobs } from "../domain/email/delivery.ts";
import { registerPrivacyJobs } from "../domain/privacy/reminders.ts";
import type { Services } from "../services/index.ts";

export async function registerJobs(services: Services): Promise<void> {
  // First: other jobs queue emails inside their transactions, which needs the email queue to exist.
  await registerEmailJobs(services);
  await registerAccountJobs(services);
  await registerActivationJobs(services);
  await registerPrivacyJobs(services);
}
