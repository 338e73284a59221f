/**
 * The payment-processor simulator as a customer mutation. It exists in every
 * schema, so clients need no second shape, and refuses with SIMULATOR_DISABLED
 * unless SIMULATOR is on. Real top-ups arrive at POST /webhooks/payments.
 */
import type { IncomingMessage } from "node:http";
import { ValidationError } from "../../domain/errors.ts";
import { currentBalance } from "../../domain/ledger/ledger.ts";
import type { Services } from "../../services/index.ts";
import { SimulatedPaymentFailedError, SimulatorDisabledError, simulateTopUp } from "../../simulators/payment-processor.ts";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { signedInAccount } from "../viewer.ts";
import { registerErrorType } from "./errors.ts";
import { BalanceType } from "./ledger.ts";

registerErrorType(SimulatorDisabledError, "SimulatorDisabledError", ["customer"]);
registerErrorType(SimulatedPaymentFailedError, "SimulatedPaymentFailedError", ["customer"]);

const SimulateTopUpPayload = builder
  .objectRef<{ paymentEventId: string; accountId: string; services: Services }>("SimulateTopUpPayload")
  .implement({
    subGraphs: ["customer"],
    fields: (t) => ({
      paymentEventId: t.exposeString("paymentEventId", { description: "The simulated processor's event id." }),
      balance: t.field({ type: BalanceType, resolve: (payload) => currentBalance(payload.services, payload.accountId) }),
    }),
  });

/**
 * Where this server can reach itself: the local address of the socket the
 * request arrived on. It is the address the server listens on, whatever the
 * Host header claims, so a client cannot point the signed webhook elsewhere.
 */
function ownAddress(context: Context): URL {
  const socket = (context as Context & { req?: IncomingMessage }).req?.socket;
  if (socket?.localAddress && socket.localPort) {
    const host = socket.localAddress.replace(/^::ffff:/, "");
    return new URL(`http://${host.includes(":") ? `[${host}]` : host}:${socket.localPort}`);
  }
  return context.services.config.http.publicUrl;
}

builder.mutationField("simulateTopUp", (t) =>
  t.field({
    type: SimulateTopUpPayload,
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Development only: tops the balance up through a simulated payment processor (a signed webhook to this server).",
    args: { amountMinor: t.arg({ type: "BigInt", required: true, description: "In minor units (cents)." }) },
    errors: {
      types: [ValidationError, SimulatorDisabledError, SimulatedPaymentFailedError],
      directResult: true,
      union: { name: "SimulateTopUpResult", subGraphs: ["customer"] },
    },
    resolve: async (_root, { amountMinor }, context) => {
      const { accountId } = signedInAccount(context.viewer);
      const paymentEventId = await simulateTopUp(context.services, { accountId, amountMinor, serviceUrl: ownAddress(context) });
      return { paymentEventId, accountId, services: context.services };
    },
  }),
);
