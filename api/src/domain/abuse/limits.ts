/**
 * The domain's use of the named rate limits (platform/rate-limits.ts): a
 * refusal becomes a RateLimitedError, which every API answers alike (code
 * RATE_LIMITED, the wait in its extensions, a Retry-After header), and is
 * itself counted as an abuse signal of the client's network.
 */
import type { RateLimitName } from "../../platform/rate-limits.ts";
import type { Services } from "../../services/index.ts";
import { RateLimitedError } from "../errors.ts";
import { countAbuseSignal, type SignalSource } from "./signals.ts";

/** Counts one attempt under each (limit, key) given, and refuses when any is over; null keys are skipped. */
export async function enforceLimits(
  services: Services,
  checks: Array<[RateLimitName, string | null]>,
  what: string,
  source: SignalSource | null = null,
): Promise<void> {
  let wait = 0;
  for (const [limit, key] of checks) {
    if (key === null) continue;
    const verdict = await services.limits.consume(limit, key);
    if (!verdict.allowed) wait = Math.max(wait, verdict.retryAfterSeconds);
  }
  if (wait === 0) return;
  if (source) await countAbuseSignal(services, "rate-limited", source);
  throw new RateLimitedError(wait, what);
}
