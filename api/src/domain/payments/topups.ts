/**
 * Top-ups (P9, P10): a payment event from the processor becomes a PaymentEvent
 * and a TOP_UP ledger entry, in one transaction. The processor's event id is
 * the primary key, so a delivery seen before changes nothing. A top-up that
 * would take the account past the balance ceiling is refused whole.
 */
import { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { DomainError } from "../errors.ts";
import { appendLedgerEntry, balanceCeilingMinor, balanceOf, ledgerCurrency } from "../ledger/ledger.ts";

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

export class BalanceLimitExceededError extends DomainError {
  readonly code = "BALANCE_LIMIT_EXCEEDED";
  constructor(
    readonly balanceMinor: bigint,
    readonly amountMinor: bigint,
  ) {
    super(
      `This top-up of ${amountMinor} would take the balance from ${balanceMinor} past the limit of ${balanceCeilingMinor} per account (minor units); nothing was credited.`,
    );
  }
}

export interface TopUpEvent {
  id: string;
  accountId: string;
  amountMinor: bigint;
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
      // The account row is locked, as orders lock it, so two top-ups cannot both pass the ceiling.
      const [account] = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "Account" WHERE "id" = ${event.accountId}::uuid FOR UPDATE`;
      if (!account) throw new UnknownPaymentAccountError();
      const balance = await balanceOf(tx, account.id);
      const total = balance.availableMinor + balance.heldMinor;
      if (total + event.amountMinor > balanceCeilingMinor) throw new BalanceLimitExceededError(total, event.amountMinor);
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
