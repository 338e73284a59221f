/**
 * Activations (P6): order a number, wait for its SMS, ask for another, finish
 * or cancel; each with its status history. Only the ordering account ever
 * sees an activation: another account's id reads as not found.
 *
 * The SMS themselves are not here: types/sms.ts adds the `messages` field to
 * Activation.
 */
import type { Activation } from "@smsape/db";
import {
  type ActivationStep,
  findOwnActivation,
  findOwnActivations,
  finishActivation,
  requestAnotherSms,
} from "../../domain/activations/activations.ts";
import { type CustomerCall, cancelActivationFor, orderNumberFor } from "../../domain/activations/customer-steps.ts";
import {
  AccountRestrictedError,
  ActivationStatusError,
  CancelLockedError,
  EmailNotVerifiedError,
  IdempotencyKeyReusedError,
  InsufficientBalanceError,
  NoNumbersAvailableError,
  PriceAboveMaximumError,
} from "../../domain/activations/errors.ts";
import { ServiceNotOfferedError, UnknownCountryError, UnknownServiceError } from "../../domain/catalogue/catalogue.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { currentBalance } from "../../domain/ledger/ledger.ts";
import type { Services } from "../../services/index.ts";
import { builder } from "../builder.ts";
import { signedInAccount } from "../viewer.ts";
import { ErrorInterface, registerErrorType } from "./errors.ts";
import { BalanceType } from "./ledger.ts";

const customer = ["customer"] as Array<"customer">;

export const ActivationStatusEnum = builder.enumType("ActivationStatus", {
  subGraphs: ["customer", "staff"],
  values: {
    WAITING_SMS: { description: "The number is yours; waiting for an SMS." },
    SMS_RECEIVED: { description: "An SMS arrived: finish, or ask for another." },
    COMPLETED: { description: "Finished (or time ran out after an SMS arrived): the price was charged." },
    CANCELED: { description: "Canceled before any SMS arrived: the price was released." },
    TIMED_OUT: { description: "No SMS arrived in time: the price was released." },
  } as const,
});

builder.prismaObject("ActivationStatusChange", {
  subGraphs: customer,
  description: "One step of an activation's life, with when and why it happened.",
  fields: (t) => ({
    fromStatus: t.expose("fromStatus", {
      type: ActivationStatusEnum,
      nullable: true,
      description: "Null for the first step (ordered).",
    }),
    toStatus: t.expose("toStatus", { type: ActivationStatusEnum }),
    reason: t.exposeString("reason"),
    at: t.expose("at", { type: "DateTime" }),
  }),
});

/** The Activation type; types/sms.ts adds `messages` to it. */
const ActivationType = builder.prismaObject("Activation", {
  subGraphs: customer,
  description: "A number ordered for a service, and what became of it.",
  fields: (t) => ({
    id: t.exposeID("id"),
    serviceCode: t.exposeString("serviceCode"),
    countryCode: t.exposeString("countryCode"),
    phoneNumber: t.exposeString("phoneNumber", { description: "The number to give the service, in E.164." }),
    priceMinor: t.expose("priceMinor", {
      type: "BigInt",
      description: "Held at order, charged on completion, released otherwise.",
    }),
    currency: t.exposeString("currency"),
    status: t.expose("status", { type: ActivationStatusEnum }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When waiting ends on its own." }),
    cancelableAt: t.expose("cancelableAt", { type: "DateTime", description: "The earliest time it can be canceled." }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
    // A handful of steps at most: a plain list, oldest first.
    statusHistory: t.relation("statusChanges", { query: { orderBy: [{ at: "asc" }, { id: "asc" }] } }),
  }),
});

// ---------------------------------------------------------------- errors

builder.objectType(InsufficientBalanceError, {
  name: "InsufficientBalanceError",
  subGraphs: customer,
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InsufficientBalanceError,
  fields: (t) => ({
    requiredMinor: t.expose("requiredMinor", { type: "BigInt" }),
    availableMinor: t.expose("availableMinor", { type: "BigInt" }),
  }),
});

builder.objectType(PriceAboveMaximumError, {
  name: "PriceAboveMaximumError",
  subGraphs: customer,
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PriceAboveMaximumError,
  fields: (t) => ({
    priceMinor: t.expose("priceMinor", { type: "BigInt" }),
    maxPriceMinor: t.expose("maxPriceMinor", { type: "BigInt" }),
  }),
});

builder.objectType(CancelLockedError, {
  name: "CancelLockedError",
  subGraphs: customer,
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof CancelLockedError,
  fields: (t) => ({ unlocksAt: t.expose("unlocksAt", { type: "DateTime", description: "When canceling becomes possible." }) }),
});

builder.objectType(ActivationStatusError, {
  name: "ActivationStatusError",
  subGraphs: customer,
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ActivationStatusError,
  fields: (t) => ({
    status: t.expose("status", { type: ActivationStatusEnum, description: "The activation's status when the step was refused." }),
  }),
});

registerErrorType(NoNumbersAvailableError, "NoNumbersAvailableError", customer);
registerErrorType(EmailNotVerifiedError, "EmailNotVerifiedError", customer);
registerErrorType(AccountRestrictedError, "AccountRestrictedError", customer);
registerErrorType(IdempotencyKeyReusedError, "IdempotencyKeyReusedError", customer);

// ---------------------------------------------------------------- queries

builder.queryFields((t) => ({
  activation: t.prismaField({
    type: "Activation",
    nullable: true,
    subGraphs: customer,
    authScopes: { account: true },
    description: "One of the signed-in account's activations; null for any other id.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, { services, viewer }) =>
      findOwnActivation(services, signedInAccount(viewer).accountId, String(id), query),
  }),
  activations: t.prismaConnection({
    type: "Activation",
    cursor: "id",
    subGraphs: customer,
    authScopes: { account: true },
    description: "The signed-in account's activations, newest first.",
    args: { status: t.arg({ type: ActivationStatusEnum, required: false, description: "Only activations in this status." }) },
    resolve: (query, _root, args, { services, viewer }) =>
      findOwnActivations(services, signedInAccount(viewer).accountId, { status: args.status }, query),
  }),
}));

// ---------------------------------------------------------------- mutations

interface ActivationPayload {
  activation: Activation;
  services: Services;
}

/** `<Name>Payload { activation, balance }`: the activation after the step and the balance it left. */
function activationPayload(name: string) {
  return builder.objectRef<ActivationPayload>(name).implement({
    subGraphs: customer,
    fields: (t) => ({
      activation: t.field({ type: ActivationType, resolve: (payload) => payload.activation }),
      balance: t.field({
        type: BalanceType,
        resolve: (payload) => currentBalance(payload.services, payload.activation.accountId ?? ""),
      }),
    }),
  });
}

const toPayload = (services: Services) => (step: ActivationStep) => ({ activation: step.activation, services });

const OrderNumberInput = builder.inputType("OrderNumberInput", {
  subGraphs: customer,
  fields: (t) => ({
    service: t.string({ required: true, description: "A service code, e.g. telegram." }),
    country: t.string({ required: true, description: "A country code, e.g. GB." }),
    maxPriceMinor: t.field({
      type: "BigInt",
      required: false,
      description: "Refuse the order if the price is above this (minor units).",
    }),
    idempotencyKey: t.string({
      required: false,
      description: "Retrying with the same key returns the activation of the first attempt instead of ordering again.",
    }),
  }),
});

builder.mutationField("orderNumber", (t) =>
  t.field({
    type: activationPayload("OrderNumberPayload"),
    subGraphs: customer,
    authScopes: { account: true },
    description: "Orders a number for a service in a country; its price is held until the activation ends.",
    args: { input: t.arg({ type: OrderNumberInput, required: true }) },
    errors: {
      types: [
        ValidationError,
        UnknownServiceError,
        UnknownCountryError,
        ServiceNotOfferedError,
        PriceAboveMaximumError,
        InsufficientBalanceError,
        NoNumbersAvailableError,
        EmailNotVerifiedError,
        AccountRestrictedError,
        IdempotencyKeyReusedError,
      ],
      directResult: true,
      union: { name: "OrderNumberResult", subGraphs: customer },
    },
    resolve: async (_root, { input }, { services, viewer, client }) => {
      const call = { account: signedInAccount(viewer), network: client.network };
      const result = await orderNumberFor(services, call, {
        serviceCode: input.service,
        countryCode: input.country,
        maxPriceMinor: input.maxPriceMinor,
        idempotencyKey: input.idempotencyKey,
      });
      return toPayload(services)(result);
    },
  }),
);

/** Each step as a customer call: requestAnotherSms and finish take only the account; cancel also counts its signal. */
const byAccount =
  (step: (services: Services, accountId: string, id: string) => Promise<ActivationStep>) =>
  (services: Services, call: CustomerCall, id: string) =>
    step(services, call.account.accountId, id);

const steps = [
  [
    "requestAnotherSms",
    "RequestAnotherSms",
    byAccount(requestAnotherSms),
    "Asks for another SMS on the same number, after one arrived; the price stays held.",
  ],
  [
    "finishActivation",
    "FinishActivation",
    byAccount(finishActivation),
    "Finishes an activation whose SMS arrived; the held price is charged.",
  ],
  [
    "cancelActivation",
    "CancelActivation",
    cancelActivationFor,
    "Cancels an activation no SMS arrived for, once its cancel lock has passed; the held price is released.",
  ],
] as const;

for (const [field, name, step, description] of steps) {
  builder.mutationField(field, (t) =>
    t.field({
      type: activationPayload(`${name}Payload`),
      subGraphs: customer,
      authScopes: { account: true },
      description,
      args: { id: t.arg.id({ required: true }) },
      errors: {
        types: [
          ValidationError,
          NotFoundError,
          ActivationStatusError,
          ...(field === "cancelActivation" ? [CancelLockedError] : []),
        ],
        directResult: true,
        union: { name: `${name}Result`, subGraphs: customer },
      },
      resolve: async (_root, { id }, { services, viewer, client }) => {
        const call = { account: signedInAccount(viewer), network: client.network };
        const result = await step(services, call, String(id));
        return toPayload(services)(result);
      },
    }),
  );
}
