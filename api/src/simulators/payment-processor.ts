/**
 * The payment-processor simulator, for a laptop: a top-up the customer asks
 * for is sent as a correctly signed webhook to this service's own endpoint, over
 * real HTTP, so it takes exactly the path a real processor's delivery takes.
 * Refused unless SIMULATOR is on (it is off in production by default).
 */
import { randomUUID } from "node:crypto";
import { DomainError, ValidationError } from "../domain/errors.ts";
import { ledgerCurrency } from "../domain/ledger/ledger.ts";
import { signWebhook } from "../http/signed-webhook.ts";
import { maxTopUpMinor, paymentWebhookPath } from "../http/webhooks/payments.ts";
import type { Services } from "../services/index.ts";

export class SimulatorDisabledError extends DomainError {
  readonly code = "SIMULATOR_DISABLED";
  constructor() {
    super("The payment simulator is off on this server; top up through the payment processor.");
  }
}

export class SimulatedPaymentFailedError extends DomainError {
  readonly code = "SIMULATED_PAYMENT_FAILED";
  constructor(status: number, reason?: string) {
    super(`The payment endpoint answered the simulated top-up with HTTP ${status}${reason ? `: ${reason}` : "."}`);
  }
}

/**
 * Sends a signed `topup.succeeded` event to `serviceUrl` (this server's own
 * address, as the caller can reach it) and returns the event id.
 */
export async function simulateTopUp(
  services: Services,
  options: { accountId: string; amountMinor: bigint; serviceUrl: URL },
): Promise<string> {
  if (!services.config.simulator) throw new SimulatorDisabledError();
  if (options.amountMinor <= 0n || options.amountMinor > maxTopUpMinor) {
    throw new ValidationError([
      { field: "amountMinor", message: `Use a whole number of minor units from 1 to ${maxTopUpMinor}.` },
    ]);
  }
  const id = `evt_sim_${randomUUID()}`;
  const body = JSON.stringify({
    id,
    type: "topup.succeeded",
    accountId: options.accountId,
    // At most maxTopUpMinor: exact as a JSON number, as the processor sends it.
    amountMinor: Number(options.amountMinor),
    currency: ledgerCurrency,
  });
  const timestamp = Math.floor(services.now().getTime() / 1000);
  const response = await fetch(new URL(paymentWebhookPath, options.serviceUrl), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-signature": signWebhook(services.config.webhooks.paymentSecret, body, timestamp),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    // The webhook's refusal says why (e.g. the balance limit); pass it on.
    const refusal = (await response.json().catch(() => null)) as { error?: unknown } | null;
    throw new SimulatedPaymentFailedError(response.status, typeof refusal?.error === "string" ? refusal.error : undefined);
  }
  return id;
}
