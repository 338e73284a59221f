/**
 * The activation steps as a customer's API call takes them: the order's rate
 * limits and the abuse signals counted around the lifecycle's own steps
 * (activations.ts). Every API a customer orders through (GraphQL, the
 * sms-activate protocol) calls these, so the limits and signals are the same
 * whichever door the order comes in by.
 */

import type { Services } from "../../services/index.ts";
import { enforceLimits } from "../abuse/limits.ts";
import { countAbuseSignal } from "../abuse/signals.ts";
import type { AccountActor } from "../actors.ts";
import { type ActivationStep, cancelActivation, type OrderNumberInput, orderNumber } from "./activations.ts";

/** Who calls, from where: the account (with its API key, if it came with one) and its network's keyed hash. */
export interface CustomerCall {
  account: AccountActor;
  /** The day's keyed hash of the client's network (platform/rate-limits.ts `networkKey`). */
  network: string;
}

/** Orders a number within the order limits (per account, per API key, per network), counting the order signal. */
export async function orderNumberFor(services: Services, call: CustomerCall, input: OrderNumberInput): Promise<ActivationStep> {
  const { account, network } = call;
  const source = { accountId: account.accountId, network, apiKeyId: account.apiKeyId };
  const { limits } = services;
  await enforceLimits(
    services,
    [
      ["order.account", limits.hashKey("order.account", account.accountId)],
      ["order.api-key", account.apiKeyId ? limits.hashKey("order.api-key", account.apiKeyId) : null],
      ["order.network", network],
    ],
    "Too many numbers ordered in a short time",
    source,
  );
  const step = await orderNumber(services, account.accountId, input);
  await countAbuseSignal(services, "order", { ...source, serviceCode: step.activation.serviceCode });
  return step;
}

/** Cancels one of the account's activations, counting the cancel signal. */
export async function cancelActivationFor(services: Services, call: CustomerCall, activationId: string): Promise<ActivationStep> {
  const step = await cancelActivation(services, call.account.accountId, activationId);
  await countAbuseSignal(services, "cancel", {
    accountId: call.account.accountId,
    network: call.network,
    apiKeyId: call.account.apiKeyId,
    serviceCode: step.activation.serviceCode,
  });
  return step;
}
