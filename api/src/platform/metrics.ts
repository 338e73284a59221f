/**
 * Prometheus metrics (prom-client), in a registry of this process's own. What
 * the service counts as it works (GraphQL operations, errors, open
 * subscriptions, SMS delivery latency) is recorded where it happens; what sits
 * in the database (job queues, the email outbox, retention purges) is read
 * when a scrape asks, so every instance reports the same shared state.
 *
 * Labels never carry personal data and stay few: operation names are the
 * client's choice, so only well-formed names are kept, up to a bound per
 * audience, and everything else counts as "other" (see `operationLabel`).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Something that runs SQL and returns rows: the Prisma client. */
export interface SqlReader {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** Distinct operation names kept per audience; later new names count as "other". */
export const maxOperationNames = 200;

export interface Metrics {
  registry: Registry;
  operations: Counter<"audience" | "operation" | "type">;
  operationSeconds: Histogram<"audience" | "operation" | "type">;
  errors: Counter<"audience" | "code">;
  openSubscriptions: Gauge<"audience">;
  /** From the SMS webhook's arrival to the subscriber's event being resolved, across instances. */
  smsDeliverySeconds: Histogram;
  /** SMS stored by one ingest transaction: how much the webhook's batching shares (domain/sms/ingest.ts). */
  smsIngestBatchSize: Histogram;
  /** sms-activate protocol requests, by action (known names only) and the answer's word. */
  smsActivateRequests: Counter<"action" | "answer">;
  /** The label for an operation name: itself when kept, else "other" or "anonymous". */
  operationLabel(audience: string, name: string | null | undefined): string;
  /** The scrape's text, with the database-held gauges read first. */
  scrape(db: SqlReader): Promise<string>;
  contentType: string;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const operationSeconds = new Histogram({
    name: "smsape_graphql_operation_duration_seconds",
    help: "GraphQL query and mutation execution time, per operation name",
    labelNames: ["audience", "operation", "type"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const operations = new Counter({
    name: "smsape_graphql_operations_total",
    help: "GraphQL operations executed (subscriptions counted when they start), per operation name",
    labelNames: ["audience", "operation", "type"] as const,
    registers,
  });
  const errors = new Counter({
    name: "smsape_graphql_errors_total",
    help: "GraphQL errors returned, by error code (extensions.code)",
    labelNames: ["audience", "code"] as const,
    registers,
  });
  const openSubscriptions = new Gauge({
    name: "smsape_graphql_subscriptions_open",
    help: "GraphQL subscriptions open in this process",
    labelNames: ["audience"] as const,
    registers,
  });
  const smsDeliverySeconds = new Histogram({
    name: "smsape_sms_delivery_seconds",
    help: "From the SMS webhook's arrival to the event reaching a subscriber (any instance)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const smsIngestBatchSize = new Histogram({
    name: "smsape_sms_ingest_batch_size",
    help: "SMS stored together by one ingest transaction of this instance",
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers,
  });
  const smsActivateRequests = new Counter({
    name: "smsape_sms_activate_requests_total",
    help: "sms-activate protocol requests, by action (names we answer, else other) and the answer's word",
    labelNames: ["action", "answer"] as const,
    registers,
  });

  const jobsWaiting = new Gauge({
    name: "smsape_job_queue_waiting",
    help: "Jobs due and not yet started, per queue (pg-boss)",
    labelNames: ["queue"] as const,
    registers,
  });
  const jobsActive = new Gauge({
    name: "smsape_job_queue_active",
    help: "Jobs running now, per queue (pg-boss)",
    labelNames: ["queue"] as const,
    registers,
  });
  const jobsOldest = new Gauge({
    name: "smsape_job_queue_oldest_waiting_seconds",
    help: "Age of the oldest due job not yet started, per queue; 0 when none waits",
    labelNames: ["queue"] as const,
    registers,
  });
  const outboxPending = new Gauge({
    name: "smsape_email_outbox_pending",
    help: "Emails in the outbox not yet delivered",
    registers,
  });
  const outboxOldest = new Gauge({
    name: "smsape_email_outbox_oldest_pending_seconds",
    help: "Age of the oldest email not yet delivered; 0 when none waits",
    registers,
  });
  const outboxFailed = new Gauge({
    name: "smsape_email_outbox_failed",
    help: "Emails given up on and still in the outbox (until their retention ends)",
    registers,
  });
  const purgeRunning = new Gauge({
    name: "smsape_retention_purge_running",
    help: "1 while a purge run of the policy is under way",
    labelNames: ["policy"] as const,
    registers,
  });
  const purgeRows = new Gauge({
    name: "smsape_retention_purge_rows",
    help: "Rows the policy's latest purge run has examined, deleted, anonymised and held back so far",
    labelNames: ["policy", "outcome"] as const,
    registers,
  });
  const purgeBatches = new Gauge({
    name: "smsape_retention_purge_batches",
    help: "Batches the policy's latest purge run has committed so far",
    labelNames: ["policy"] as const,
    registers,
  });
  const purgeFinished = new Gauge({
    name: "smsape_retention_purge_last_finished_timestamp_seconds",
    help: "When the policy's last finished purge run ended (Unix time)",
    labelNames: ["policy"] as const,
    registers,
  });

  const keptNames = new Map<string, Set<string>>();
  const operationLabel = (audience: string, name: string | null | undefined) => {
    if (!name) return "anonymous";
    // Identifier-shaped names only, and none with a run of digits (a phone number, an id) in it.
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) || /\d{4,}/.test(name)) return "other";
    const kept = keptNames.get(audience) ?? new Set<string>();
    keptNames.set(audience, kept);
    if (kept.has(name)) return name;
    if (kept.size >= maxOperationNames) return "other";
    kept.add(name);
    return name;
  };

  const readDatabase = async (db: SqlReader) => {
    const [jobs, outbox, purges] = await Promise.all([
      db.$queryRawUnsafe<Array<{ queue: string; waiting: number; active: number; oldest: number | null }>>(`
        SELECT q.name AS queue,
               count(*) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= now())::int AS waiting,
               count(*) FILTER (WHERE j.state = 'active')::int AS active,
               extract(epoch FROM now() - min(j.created_on) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= now()))::float8 AS oldest
        FROM pgboss.queue q
        LEFT JOIN pgboss.job j ON j.name = q.name AND j.state IN ('created', 'retry', 'active')
        GROUP BY q.name`),
      db.$queryRawUnsafe<Array<{ pending: number; failed: number; oldest: number | null }>>(`
        SELECT count(*) FILTER (WHERE status = 'PENDING')::int AS pending,
               count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
               extract(epoch FROM now() - min("createdAt") FILTER (WHERE status = 'PENDING'))::float8 AS oldest
        FROM "OutboxEmail"`),
      db.$queryRawUnsafe<
        Array<{
          policy: string;
          running: boolean;
          examined: number;
          deleted: number;
          anonymised: number;
          held: number;
          batches: number;
          finished: number | null;
        }>
      >(`
        SELECT DISTINCT ON ("policyKey") "policyKey" AS policy, status = 'RUNNING' AS running,
               "examinedCount" AS examined, "deletedCount" AS deleted, "anonymisedCount" AS anonymised,
               "heldBackCount" AS held, batches,
               (SELECT extract(epoch FROM max(f."finishedAt"))::float8 FROM "PurgeRun" f
                WHERE f."policyKey" = r."policyKey" AND f."finishedAt" IS NOT NULL) AS finished
        FROM "PurgeRun" r ORDER BY "policyKey", "startedAt" DESC`),
    ]);
    for (const gauge of [jobsWaiting, jobsActive, jobsOldest, purgeRunning, purgeRows, purgeBatches, purgeFinished])
      gauge.reset();
    for (const row of jobs) {
      jobsWaiting.set({ queue: row.queue }, row.waiting);
      jobsActive.set({ queue: row.queue }, row.active);
      jobsOldest.set({ queue: row.queue }, row.oldest ?? 0);
    }
    outboxPending.set(outbox[0]?.pending ?? 0);
    outboxFailed.set(outbox[0]?.failed ?? 0);
    outboxOldest.set(outbox[0]?.oldest ?? 0);
    for (const run of purges) {
      purgeRunning.set({ policy: run.policy }, run.running ? 1 : 0);
      purgeBatches.set({ policy: run.policy }, run.batches);
      purgeRows.set({ policy: run.policy, outcome: "examined" }, run.examined);
      purgeRows.set({ policy: run.policy, outcome: "deleted" }, run.deleted);
      purgeRows.set({ policy: run.policy, outcome: "anonymised" }, run.anonymised);
      purgeRows.set({ policy: run.policy, outcome: "held_back" }, run.held);
      if (run.finished !== null) purgeFinished.set({ policy: run.policy }, run.finished);
    }
  };

  return {
    registry,
    operations,
    operationSeconds,
    errors,
    openSubscriptions,
    smsDeliverySeconds,
    smsIngestBatchSize,
    smsActivateRequests,
    operationLabel,
    async scrape(db) {
      await readDatabase(db);
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}
