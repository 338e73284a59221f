/**
 * The balance and its ledger (P9): the balance is derived from the entries on
 * every read; entries are listed newest first.
 */
import { type Balance, currentBalance, findOwnLedgerEntries } from "../../domain/ledger/ledger.ts";
import { builder } from "../builder.ts";
import { signedInAccount } from "../viewer.ts";

export const BalanceType = builder.objectRef<Balance>("Balance").implement({
  subGraphs: ["customer", "staff"],
  description: "The sum of the account's ledger entries, in minor units.",
  fields: (t) => ({
    availableMinor: t.expose("availableMinor", { type: "BigInt", description: "What can be spent on new numbers." }),
    heldMinor: t.expose("heldMinor", { type: "BigInt", description: "Reserved for activations in progress." }),
    currency: t.exposeString("currency"),
  }),
});

export const LedgerEntryKindEnum = builder.enumType("LedgerEntryKind", {
  subGraphs: ["customer", "staff"],
  values: {
    TOP_UP: { description: "A payment arrived." },
    HOLD: { description: "A number was ordered: its price moved from available to held." },
    CHARGE: { description: "An activation completed: its held price was spent." },
    RELEASE: { description: "An activation was canceled or timed out: its held price came back." },
    ADJUSTMENT: { description: "A correction written by staff." },
  } as const,
});

builder.prismaObject("LedgerEntry", {
  subGraphs: ["customer"],
  description: "One movement of money. Entries are never changed or removed.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: LedgerEntryKindEnum }),
    availableDelta: t.expose("availableDelta", {
      type: "BigInt",
      description: "Change of the available balance, in minor units.",
    }),
    heldDelta: t.expose("heldDelta", { type: "BigInt", description: "Change of the held balance, in minor units." }),
    currency: t.exposeString("currency"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    activation: t.relation("activation", { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  balance: t.field({
    type: BalanceType,
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "The signed-in account's balance.",
    resolve: (_root, _args, { services, viewer, readAhead }) =>
      readAhead.balance ?? currentBalance(services, signedInAccount(viewer).accountId),
  }),
  ledgerEntries: t.prismaConnection({
    type: "LedgerEntry",
    cursor: "id",
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "The signed-in account's ledger, newest first.",
    resolve: (query, _root, _args, { services, viewer }) =>
      findOwnLedgerEntries(services, signedInAccount(viewer).accountId, query),
  }),
}));
