/**
 * Every background job the service runs, registered at start. Each domain
 * module exports its own `register…Jobs(services)`; list it here.
 */
import type { Services } from "../services/index.ts";

export async function registerJobs(_services: Services): Promise<void> {
  // e.g. await registerActivationJobs(services);
}
