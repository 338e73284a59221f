/**
 * Every background job the service runs, registered at start. Each domain
 * module exports its own `register…Jobs(services)`; list it here.
 */

import { registerActivationJobs } from "../domain/activations/jobs.ts";
import { registerEmailJobs } from "../domain/email/delivery.ts";
import type { Services } from "../services/index.ts";

export async function registerJobs(services: Services): Promise<void> {
  await registerActivationJobs(services);
  await registerEmailJobs(services);
}
