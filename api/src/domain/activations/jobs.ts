import type { Services } from "../../services/index.ts";
import { activationTimeoutJob, expireActivations, expireOverdueActivations, expireOverdueActivationsJob } from "./activations.ts";

/** The timeout of each activation, plus a sweep every minute for any timeout job that was lost. */
export async function registerActivationJobs(services: Services): Promise<void> {
  // A timeout releases a customer's held money: many at once, each soon after it is due.
  // A worker ends a whole fetched batch in one transaction; on a database server several workers do so at once.
  await services.jobs.workBatch<{ activationId: string }>(
    activationTimeoutJob,
    async (jobs) => {
      await expireActivations(
        services,
        jobs.map((job) => job.activationId),
      );
    },
    { batchSize: 250, concurrency: 4, pollingIntervalSeconds: 0.5 },
  );
  await services.jobs.work(expireOverdueActivationsJob, async () => {
    await expireOverdueActivations(services);
  });
  await services.jobs.schedule(expireOverdueActivationsJob, "* * * * *");
}
