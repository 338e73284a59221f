import type { Services } from "../../services/index.ts";
import { activationTimeoutJob, expireActivation, expireOverdueActivations, expireOverdueActivationsJob } from "./activations.ts";

/** The timeout of each activation, plus a sweep every minute for any timeout job that was lost. */
export async function registerActivationJobs(services: Services): Promise<void> {
  // A timeout releases a customer's held money: many at once, each soon after it is due.
  await services.jobs.work<{ activationId: string }>(
    activationTimeoutJob,
    async ({ activationId }) => {
      await expireActivation(services, activationId);
    },
    { batchSize: 50, concurrency: 8, pollingIntervalSeconds: 0.5 },
  );
  await services.jobs.work(expireOverdueActivationsJob, async () => {
    await expireOverdueActivations(services);
  });
  await services.jobs.schedule(expireOverdueActivationsJob, "* * * * *");
}
