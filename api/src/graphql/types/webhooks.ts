/**
 * Customer webhooks: endpoints that receive the account's own events, signed
 * with the endpoint's secret (docs/webhooks.md), and their recent deliveries.
 * Resolvers only translate; the rules live in domain/webhooks.
 */
import type { WebhookEndpoint } from "@smsape/db";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  type EndpointWithSecret,
  findOwnWebhookEndpoints,
  InvalidWebhookUrlError,
  recentDeliveriesLimit,
  rotateWebhookSecret,
  WebhookAddressForbiddenError,
  WebhookHostUnresolvableError,
} from "../../domain/webhooks/endpoints.ts";
import type { webhookEventTypes } from "../../domain/webhooks/events.ts";
import { builder } from "../builder.ts";
import { signedInAccount } from "../viewer.ts";
import { registerErrorType } from "./errors.ts";

const customer = ["customer"] as Array<"customer">;

registerErrorType(InvalidWebhookUrlError, "InvalidWebhookUrlError", customer);
registerErrorType(WebhookAddressForbiddenError, "WebhookAddressForbiddenError", customer);
registerErrorType(WebhookHostUnresolvableError, "WebhookHostUnresolvableError", customer);

const WebhookEventTypeEnum = builder.enumType("WebhookEventType", {
  subGraphs: customer,
  description: "An event an endpoint can receive; its `type` in the body is the value's dotted name.",
  values: {
    SMS_RECEIVED: { value: "sms.received", description: "`sms.received`: an SMS reached one of your activations." },
    ACTIVATION_STATUS_CHANGED: {
      value: "activation.status_changed",
      description: "`activation.status_changed`: one of your activations moved to another status.",
    },
  } as const satisfies Record<string, { value: (typeof webhookEventTypes)[number]; description: string }>,
});

const WebhookDeliveryStatusEnum = builder.enumType("WebhookDeliveryStatus", {
  subGraphs: customer,
  values: {
    PENDING: { description: "Not delivered yet: waiting for its first attempt or a retry." },
    DELIVERED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Given up after the last attempt (or at once, for an address we never deliver to)." },
  } as const,
});

builder.prismaObject("WebhookDelivery", {
  subGraphs: customer,
  description:
    "One event sent, or being sent, to an endpoint. Its body is not kept: it leaves at delivery, and records age out after hours.",
  fields: (t) => ({
    id: t.exposeID("id"),
    eventId: t.exposeID("eventId", { description: "The event's `id`, also in the X-Event-Id header; the same on every retry." }),
    eventType: t.field({ type: WebhookEventTypeEnum, resolve: (delivery) => delivery.eventType as never }),
    status: t.expose("status", { type: WebhookDeliveryStatusEnum }),
    attempts: t.exposeInt("attempts"),
    lastStatusCode: t.exposeInt("lastStatusCode", { nullable: true, description: "The HTTP status of the last answer." }),
    lastError: t.exposeString("lastError", {
      nullable: true,
      description:
        "Why the last attempt failed: HTTP_ERROR, TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET, CONNECTION_FAILED, TLS_FAILED, DNS_FAILED, REDIRECT_NOT_FOLLOWED, FORBIDDEN_ADDRESS or INSECURE_URL.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastAttemptAt: t.expose("lastAttemptAt", { type: "DateTime", nullable: true }),
    nextAttemptAt: t.expose("nextAttemptAt", { type: "DateTime", nullable: true }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true, description: "When it was delivered or given up." }),
  }),
});

const WebhookEndpointType = builder.prismaObject("WebhookEndpoint", {
  subGraphs: customer,
  description: "An address that receives your events, signed with its secret (shown once, at creation and rotation).",
  fields: (t) => ({
    id: t.exposeID("id"),
    url: t.exposeString("url"),
    events: t.field({ type: [WebhookEventTypeEnum], resolve: (endpoint) => endpoint.events as never }),
    includeMessageContent: t.exposeBoolean("includeMessageContent", {
      description: "Whether `sms.received` carries the SMS text and code. Off unless you chose it.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    secretRotatedAt: t.expose("secretRotatedAt", { type: "DateTime", nullable: true }),
    recentDeliveries: t.relation("deliveries", {
      description: `The latest deliveries to this endpoint, newest first (at most ${recentDeliveriesLimit}).`,
      query: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: recentDeliveriesLimit },
    }),
  }),
});

builder.queryField("webhookEndpoints", (t) =>
  t.prismaField({
    type: ["WebhookEndpoint"],
    subGraphs: customer,
    authScopes: { account: true },
    description: "The signed-in account's webhook endpoints, oldest first, with their recent deliveries.",
    resolve: (query, _root, _args, { services, viewer }) => findOwnWebhookEndpoints(services, signedInAccount(viewer), query),
  }),
);

const CreateWebhookEndpointInput = builder.inputType("CreateWebhookEndpointInput", {
  subGraphs: customer,
  fields: (t) => ({
    url: t.string({ required: true, description: "A public HTTPS address, at most 2048 characters." }),
    events: t.field({ type: [WebhookEventTypeEnum], required: true, description: "The events it receives; at least one." }),
    includeMessageContent: t.boolean({
      required: false,
      description: "Send the SMS text and code in `sms.received`. Off by default: the event then says only that an SMS arrived.",
    }),
  }),
});

const WebhookEndpointWithSecretPayload = builder.objectRef<EndpointWithSecret>("WebhookEndpointWithSecret").implement({
  subGraphs: customer,
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointType, resolve: (result) => result.endpoint }),
    secret: t.exposeString("secret", {
      description: "The signing secret (`whsec_…`), shown this once and never again. See docs/webhooks.md to verify signatures.",
    }),
  }),
});

const secretErrors = (name: string, types: Array<new (...args: never[]) => Error>) => ({
  types,
  directResult: true as const,
  union: { name, subGraphs: customer },
});

builder.mutationField("createWebhookEndpoint", (t) =>
  t.field({
    type: WebhookEndpointWithSecretPayload,
    subGraphs: customer,
    authScopes: { account: true },
    description: "Registers an endpoint for the account's events; answers its secret, once.",
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true }) },
    errors: secretErrors("CreateWebhookEndpointResult", [
      ValidationError,
      InvalidWebhookUrlError,
      WebhookAddressForbiddenError,
      WebhookHostUnresolvableError,
      ConflictError,
    ]),
    resolve: (_root, { input }, { services, viewer }) =>
      createWebhookEndpoint(services, signedInAccount(viewer), {
        url: input.url,
        events: input.events as never,
        includeMessageContent: input.includeMessageContent,
      }),
  }),
);

const WebhookEndpointIdInput = builder.inputType("WebhookEndpointIdInput", {
  subGraphs: customer,
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField("rotateWebhookSecret", (t) =>
  t.field({
    type: WebhookEndpointWithSecretPayload,
    subGraphs: customer,
    authScopes: { account: true },
    description: "Replaces the endpoint's secret; the new one signs from now on and is shown this once.",
    args: { input: t.arg({ type: WebhookEndpointIdInput, required: true }) },
    errors: secretErrors("RotateWebhookSecretResult", [NotFoundError]),
    resolve: (_root, { input }, { services, viewer }) => rotateWebhookSecret(services, signedInAccount(viewer), String(input.id)),
  }),
);

const DeleteWebhookEndpointPayload = builder.objectRef<{ endpoint: WebhookEndpoint }>("DeleteWebhookEndpointPayload").implement({
  subGraphs: customer,
  fields: (t) => ({
    deletedId: t.id({ resolve: (result) => result.endpoint.id }),
  }),
});

builder.mutationField("deleteWebhookEndpoint", (t) =>
  t.field({
    type: DeleteWebhookEndpointPayload,
    subGraphs: customer,
    authScopes: { account: true },
    description: "Deletes the endpoint with its secret and delivery records; pending deliveries are dropped.",
    args: { input: t.arg({ type: WebhookEndpointIdInput, required: true }) },
    errors: secretErrors("DeleteWebhookEndpointResult", [NotFoundError]),
    resolve: async (_root, { input }, { services, viewer }) => ({
      endpoint: await deleteWebhookEndpoint(services, signedInAccount(viewer), String(input.id)),
    }),
  }),
);
