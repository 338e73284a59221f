/**
 * A stand-in for the upstream SMS operator, so the whole flow works on a
 * laptop: a few seconds after a number is ordered, and again each time another
 * SMS is requested for it, an SMS such as "Your Telegram code is 482913"
 * arrives through the real signed webhook, over HTTP, exactly as the operator
 * would send it. Numbers ordered for the demo service `nosms` never get one, so
 * cancelling (after the cancel lock) and timing out, both refunded, can be
 * tried by hand.
 *
 * A development tool for a single process (SIMULATOR=true; on by default
 * outside production): it polls this instance's database on a timer and is not
 * coordinated across instances, so with several instances each would deliver
 * (harmlessly: the webhook is idempotent by message id, which is derived from
 * the activation and how many SMS it has asked for).
 */
import { randomInt } from "node:crypto";
import { signWebhook } from "../http/signed-webhook.ts";
import { type InboundSmsPayload, smsWebhookPath } from "../http/webhooks/sms.ts";
import { neverDeliveredService } from "../seed/demo.ts";
import type { Services } from "../services/index.ts";

export interface UpstreamSimulator {
  /** One round: delivers an SMS to every activation that has waited long enough. Returns how many were sent. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export const simulatorDefaults = { intervalMs: 2_000, delayMs: 3_000, batchSize: 20 };

export function startUpstreamSimulator(
  services: Services,
  options: { baseUrl: string; intervalMs?: number; delayMs?: number; autoStart?: boolean },
): UpstreamSimulator {
  const log = services.logger.child({ component: "upstream-simulator" });
  const intervalMs = options.intervalMs ?? simulatorDefaults.intervalMs;
  const delayMs = options.delayMs ?? simulatorDefaults.delayMs;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function tick(): Promise<number> {
    const now = services.now();
    // Waiting for an SMS, with no status change for `delayMs`: ordered, or another SMS requested, that long ago.
    const waiting = await services.db.activation.findMany({
      where: {
        status: "WAITING_SMS",
        serviceCode: { not: neverDeliveredService.code },
        expiresAt: { gt: now },
        statusChanges: { none: { at: { gt: new Date(now.getTime() - delayMs) } } },
      },
      select: {
        id: true,
        phoneNumber: true,
        serviceCode: true,
        _count: { select: { statusChanges: { where: { toStatus: "WAITING_SMS" } } } },
      },
      orderBy: { createdAt: "asc" },
      take: simulatorDefaults.batchSize,
    });
    let sent = 0;
    for (const activation of waiting) {
      if (stopped) break;
      const service = await services.db.service.findUnique({ where: { code: activation.serviceCode }, select: { name: true } });
      // One SMS per request: the first when ordered, one more after each requestAnotherSms.
      const request = activation._count.statusChanges;
      const status = await deliverSimulatedSms(services, options.baseUrl, {
        messageId: `sim-${activation.id}-${request}`,
        to: activation.phoneNumber,
        text: simulatedText(service?.name ?? activation.serviceCode),
        from: service?.name ?? "Service",
        route: "simulator",
      });
      if (status >= 200 && status < 300) sent += 1;
      else log.warn({ activationId: activation.id, status }, "simulated sms refused by the webhook");
    }
    return sent;
  }

  const guardedTick = () => {
    if (running || stopped) return running ?? Promise.resolve(0);
    running = tick()
      .catch((error: unknown) => {
        log.error({ err: error }, "simulator round failed");
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = options.autoStart === false ? null : setInterval(() => void guardedTick(), intervalMs);
  timer?.unref();
  log.info({ intervalMs, delayMs }, "upstream operator simulator started");
  return {
    tick: guardedTick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

/** Sends one SMS to the service's own webhook, signed as the operator signs it. Returns the HTTP status. */
export async function deliverSimulatedSms(services: Services, baseUrl: string, payload: InboundSmsPayload): Promise<number> {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(services.now().getTime() / 1000);
  const response = await fetch(new URL(smsWebhookPath, baseUrl), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-signature": signWebhook(services.config.webhooks.smsSecret, body, timestamp),
    },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

export function simulatedText(serviceName: string): string {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  return `Your ${serviceName} code is ${code}. Do not share it with anyone.`;
}
