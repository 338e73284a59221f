import type { Services } from "../../services/index.ts";
import { activationTimeoutJob, expireActivations, expireOverdueActivations, expireOverdueActivationsJob } from "./activations.ts";

/** The timeout of each activation, plus a sweep every minute for any timeout job that was lost. */
export async function registerActivationJobs(services: Services): Promise<void> {
  // A timeout releases a customer's held money, soon after its window closes.
  // Its job is the wake-up at that moment: the worker ends the activations of
  // the jobs it fetched, then every other one already due, a batch per
  // transaction. Timeouts that fall due together (a burst of orders a few
  // minutes ago) are so ended at the speed of the set-based expiry, not of the
  // queue's fetches; their own jobs then find them ended and finish at once.
  await services.jobs.workBatch<{ activationId: string }>(
    activationTimeoutJob,
    async (jobs) => {
      await expireActivations(
        services,
        jobs.map((job) => job.activationId),
      );
      await expireOverdueActivations(services);
    },
    { batchSize: 250, concurrency: 4, pollingIntervalSeconds: 0.5 },
  );
  await services.jobs.work(expireOverdueActivationsJob, async () => {
    await expireOverdueActivations(services);
  });
  await services.jobs.schedule(expireOverdueActivationsJob, "* * * * *");
}
