/**
 * A connection that stays open (a WebSocket) authenticated once, when it
 * opened; its credential can end while it is open. A watch notices promptly,
 * without waiting for traffic: at the credential's absolute expiry, and
 * whenever an announcement says a credential of its holder ended (sign-out,
 * revocation), which travels over the live-event bus so it reaches sockets on
 * every instance.
 */
import type { Services } from "../../services/index.ts";

/** Whether a credential still stands, and until when at the latest (null: until revoked). */
export type Standing = { stands: false } | { stands: true; until: Date | null };

/** The longest a timer may wait (setTimeout's limit is about 24.8 days); a longer wait is re-armed. */
const maxTimerMs = 2 ** 31 - 1;
/** A re-check the clock says is due but the database does not yet agree with waits at least this long. */
const minRecheckMs = 250;

/**
 * Calls `ended` once, when `standing` says the credential no longer stands:
 * checked at its `until` and at each announcement. Returns a function that
 * stops the watch (call it when the connection closes).
 */
export function watchCredential(
  services: Services,
  options: {
    standing: () => Promise<Standing>;
    announcements: AsyncIterable<unknown>;
    ended: () => void;
  },
): () => void {
  const log = services.logger.child({ component: "credential-watch" });
  const announcements = options.announcements[Symbol.asyncIterator]();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    void announcements.return?.();
  };

  const failed = (error: unknown) => log.error({ err: error }, "checking a credential failed");
  const check = async (): Promise<void> => {
    const standing = await options.standing();
    if (stopped) return;
    if (!standing.stands) {
      stop();
      options.ended();
      return;
    }
    clearTimeout(timer);
    if (!standing.until) return;
    const due = standing.until.getTime() - services.now().getTime();
    timer = setTimeout(() => void check().catch(failed), Math.min(Math.max(due, minRecheckMs), maxTimerMs));
    timer.unref();
  };

  void (async () => {
    // Listen before the first check, so an announcement made meanwhile is not missed.
    let announced = announcements.next();
    await check().catch(failed);
    while (!stopped && !(await announced).done) {
      announced = announcements.next();
      await check().catch(failed);
    }
  })().catch(failed);
  return stop;
}
