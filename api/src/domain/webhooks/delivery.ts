/**
 * Delivering events to customers' endpoints, from the job queue. One job is
 * one attempt: it re-checks where the endpoint's host points (addresses.ts),
 * connects to exactly the address it checked, POSTs the event's fixed body
 * signed as our own incoming webhooks are (`X-Signature: t=<unix>,v1=<hex
 * HMAC-SHA256 of "t.body">` under the endpoint's secret), and records the
 * outcome. A failure (no answer, or an answer other than 2xx) is retried by a
 * new job after a growing delay (WEBHOOK_RETRY_BASE_SECONDS doubled per
 * attempt, with jitter) until WEBHOOK_MAX_ATTEMPTS; then the delivery is
 * FAILED. The body leaves the record at delivery and when it is given up.
 *
 * No transaction is open while the endpoint is called: the outcome is written
 * after, guarded by the attempt count read before, so a duplicate job records
 * nothing and queues nothing.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { openColumn } from "../crypto/encrypted-columns.ts";
import { isUuid } from "../ids.ts";
import { type CheckedAddress, checkHost, hostOf } from "./addresses.ts";
import { type WebhookDeliveryJob, webhookDeliveryJob } from "./events.ts";

export const webhookSignatureHeader = "x-signature";
export const webhookEventIdHeader = "x-event-id";
export const webhookEventTypeHeader = "x-event-type";
const userAgent = "SMSAPE-Webhooks/1";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the format of our own incoming webhooks. */
export function signEvent(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac("sha256", secret).update(`${timestampSeconds}.`).update(body).digest("hex");
  return `t=${timestampSeconds},v1=${digest}`;
}

type AttemptOutcome =
  | { delivered: true; statusCode: number }
  /** `final`: retrying cannot help (the address is forbidden); the delivery is given up at once. */
  | { delivered: false; statusCode: number | null; error: string; final: boolean };

/** The wait before attempt `attempt + 1`: the base doubled per attempt made, ±25 %. */
export function retryDelayMs(baseSeconds: number, attemptsMade: number): number {
  const delay = baseSeconds * 1000 * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(delay * (0.75 + Math.random() * 0.5));
}

/** A DNS lookup that answers only the address already checked, so the connection cannot go elsewhere. */
function pinnedLookup(target: CheckedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return "CONNECTION_REFUSED";
  if (code === "ECONNRESET") return "CONNECTION_RESET";
  if (typeof code === "string" && /CERT|TLS|SSL/.test(code)) return "TLS_FAILED";
  return "CONNECTION_FAILED";
}

/** One POST of `body` to the endpoint, at the address checked; what came back, never the answer's body. */
async function post(services: Services, rawUrl: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
  const settings = services.config.customerWebhooks;
  const url = new URL(rawUrl);
  if (url.protocol !== "https:" && (settings.httpsOnly || url.protocol !== "http:")) {
    return { delivered: false, statusCode: null, error: "INSECURE_URL", final: true };
  }
  const check = await checkHost(hostOf(url), { allowPrivate: settings.allowPrivateAddresses });
  if (!check.ok) {
    return check.reason === "forbidden"
      ? { delivered: false, statusCode: null, error: "FORBIDDEN_ADDRESS", final: true }
      : { delivered: false, statusCode: null, error: "DNS_FAILED", final: false };
  }
  const [target] = check.addresses;
  if (!target) return { delivered: false, statusCode: null, error: "DNS_FAILED", final: false };
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = transport.request(
      url,
      {
        method: "POST",
        // A connection of its own: a pooled socket would skip the check above.
        agent: false,
        lookup: pinnedLookup(target),
        timeout: settings.timeoutMs,
        headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
      },
      (response) => {
        // The answer's body is not ours to keep; drain it so the socket closes.
        response.resume();
        const statusCode = response.statusCode ?? 0;
        if (statusCode >= 200 && statusCode < 300) resolve({ delivered: true, statusCode });
        else
          resolve({
            delivered: false,
            statusCode,
            error: statusCode >= 300 && statusCode < 400 ? "REDIRECT_NOT_FOLLOWED" : "HTTP_ERROR",
            final: false,
          });
      },
    );
    request.on("timeout", () => request.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    request.on("error", (error) =>
      resolve({
        delivered: false,
        statusCode: null,
        error: (error as { code?: string }).code === "TIMEOUT" ? "TIMEOUT" : errorCode(error),
        final: false,
      }),
    );
    request.end(body);
  });
}

/** One attempt of one delivery; does nothing for a delivery already settled or gone (erased, deleted, purged). */
export async function attemptDelivery(services: Services, deliveryId: string): Promise<void> {
  if (!isUuid(deliveryId)) return;
  const delivery = await services.db.webhookDelivery.findUnique({
    where: { id: deliveryId },
    include: { endpoint: { select: { id: true, url: true, secretCiphertext: true } } },
  });
  if (delivery?.status !== "PENDING" || !delivery.payloadCiphertext) return;
  const ring = services.config.encryption;
  const body = openColumn(ring, "webhookPayload", delivery.id, delivery.payloadCiphertext);
  const secret = openColumn(ring, "webhookSecret", delivery.endpoint.id, delivery.endpoint.secretCiphertext);
  const attempt = delivery.attempts + 1;
  const outcome = await post(services, delivery.endpoint.url, body, {
    "user-agent": userAgent,
    [webhookSignatureHeader]: signEvent(secret, body, Math.floor(services.now().getTime() / 1000)),
    [webhookEventIdHeader]: delivery.eventId,
    [webhookEventTypeHeader]: delivery.eventType,
    "x-delivery-attempt": String(attempt),
  });

  const settings = services.config.customerWebhooks;
  const now = services.now();
  const givenUp = !outcome.delivered && (outcome.final || attempt >= settings.maxAttempts);
  const delayMs = outcome.delivered || givenUp ? 0 : retryDelayMs(settings.retryBaseSeconds, attempt);
  const data: Prisma.WebhookDeliveryUpdateManyMutationInput = outcome.delivered
    ? {
        status: "DELIVERED",
        attempts: attempt,
        lastStatusCode: outcome.statusCode,
        lastError: null,
        lastAttemptAt: now,
        nextAttemptAt: null,
        completedAt: now,
        payloadCiphertext: null,
      }
    : {
        status: givenUp ? "FAILED" : "PENDING",
        attempts: attempt,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        lastAttemptAt: now,
        nextAttemptAt: givenUp ? null : new Date(now.getTime() + delayMs),
        ...(givenUp ? { completedAt: now, payloadCiphertext: null } : {}),
      };
  await services.db.$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "PENDING", attempts: delivery.attempts },
      data,
    });
    if (count === 1 && !outcome.delivered && !givenUp) {
      // The queue compares with the database's clock, not the service's (which tests move).
      await services.jobs.send<WebhookDeliveryJob>(
        webhookDeliveryJob,
        { deliveryId: delivery.id },
        { startAfter: new Date(Date.now() + delayMs), within: tx },
      );
    }
  });
  services.logger.info(
    {
      webhookDeliveryId: delivery.id,
      webhookEndpointId: delivery.endpoint.id,
      attempt,
      statusCode: outcome.statusCode,
      outcome: outcome.delivered ? "delivered" : givenUp ? "failed" : "retrying",
      ...(outcome.delivered ? {} : { error: outcome.error }),
    },
    "webhook delivery attempted",
  );
}

export async function registerWebhookJobs(services: Services): Promise<void> {
  // A delivery holds no database connection while it waits on the endpoint, so a few run at once.
  await services.jobs.work<WebhookDeliveryJob>(webhookDeliveryJob, (job) => attemptDelivery(services, job.deliveryId), {
    batchSize: 10,
    concurrency: 4,
    pollingIntervalSeconds: 0.5,
  });
}
