/**
 * Top-ups (P9, P10): a payment event from the processor becomes a PaymentEvent
 * and a TOP_UP ledger entry, in one transaction. The processor's event id is
 * the primary key, so a delivery seen before changes nothing.
 */
import { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { DomainError } from "../errors.ts";
import { appendLedgerEntry, ledgerCurrency } from "../ledger/ledger.ts";

export class UnknownPaymentAccountError extends DomainError {
  readonly code = "UNKNOWN_ACCOUNT";
  constructor() {
    super("The payment names an account that does not exist.");
  }
}

export class UnsupportedCurrencyError extends DomainError {
  readonly code = "UNSUPPORTED_CURRENCY";
  constructor() {
    super(`Balances are kept in ${ledgerCurrency}; top-ups in another currency are not accepted.`);
  }
}

export interface TopUpEvent {
  id: string;
  accountId: string;
  amountMinor: number;
  currency: string;
}

/** Records a top-up once; `replayed` when the event id was recorded before. */
export async function recordTopUp(services: Services, event: TopUpEvent): Promise<{ replayed: boolean }> {
  if (event.currency !== ledgerCurrency) throw new UnsupportedCurrencyError();
  const now = services.now();
  let replayed = false;
  try {
    replayed = await services.db.$transaction(async (tx) => {
      if (await tx.paymentEvent.findUnique({ where: { id: event.id }, select: { id: true } })) return true;
      const account = await tx.account.findUnique({ where: { id: event.accountId }, select: { id: true } });
      if (!account) throw new UnknownPaymentAccountError();
      await tx.paymentEvent.create({
        data: {
          id: event.id,
          accountId: account.id,
          kind: "topup.succeeded",
          amountMinor: event.amountMinor,
          currency: event.currency,
          receivedAt: now,
        },
      });
      await appendLedgerEntry(tx, {
        accountId: account.id,
        kind: "TOP_UP",
        amountMinor: event.amountMinor,
        at: now,
        paymentEventId: event.id,
      });
      return false;
    });
  } catch (error) {
    // Two deliveries of one event at once: the second meets the first's primary key.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { replayed: true };
    throw error;
  }
  if (!replayed) services.events.publish("balanceChanged", event.accountId, { accountId: event.accountId });
  return { replayed };
}
