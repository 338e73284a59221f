import type { Services } from "../../services/index.ts";
import { passwordResetRequestedJob, sendPasswordReset } from "./password-changes.ts";

/** Password reset requests, each decided in a job so the request itself never looks the address up. */
export async function registerAccountJobs(services: Services): Promise<void> {
  await services.jobs.work<{ address: string }>(passwordResetRequestedJob, (job) => sendPasswordReset(services, job), {
    batchSize: 20,
    concurrency: 4,
    pollingIntervalSeconds: 0.5,
  });
}
