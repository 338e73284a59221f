/**
 * Customer webhooks, end to end: endpoints registered over the customer API,
 * events from the real SMS webhook and activation steps, delivered from the
 * job queue to a receiver on loopback, signed, retried and recorded.
 */
import { randomUUID } from "node:crypto";
import {
  createCustomer,
  createStaffMember,
  eventually,
  findInDatabase,
  type GraphqlClient,
  minutes,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import type { StaffRole } from "@smsape/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelActivation, expireOverdueActivations, finishActivation } from "../../api/src/domain/activations/activations.ts";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { buildAccessExport } from "../../api/src/domain/privacy/access-export.ts";
import { approveErasure, planErasure, runErasure } from "../../api/src/domain/privacy/erasure.ts";
import { runScheduledPurges } from "../../api/src/domain/retention/purges.ts";
import { attemptDelivery } from "../../api/src/domain/webhooks/delivery.ts";
import { maxEndpointsPerAccount } from "../../api/src/domain/webhooks/endpoints.ts";
import { signatureVerifies, WebhookReceiver } from "./receiver.ts";

const receiver = new WebhookReceiver();
let app: TestApp;

beforeAll(async () => {
  await receiver.start();
  // Retries a fifth of a second apart, three attempts at most: a retry test takes seconds, not an hour.
  app = await startTestApp({ WEBHOOK_RETRY_BASE_SECONDS: "0.2", WEBHOOK_MAX_ATTEMPTS: "3" });
});
afterAll(async () => {
  await app?.close();
  await receiver.stop();
});

const endpointFields = `id url events includeMessageContent createdAt secretRotatedAt
  recentDeliveries { id eventId eventType status attempts lastStatusCode lastError createdAt lastAttemptAt nextAttemptAt completedAt }`;

async function createEndpoint(
  client: GraphqlClient,
  input: { url: string; events?: string[]; includeMessageContent?: boolean },
): Promise<{ id: string; secret: string }> {
  const { createWebhookEndpoint } = await client.data(
    `mutation($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) {
        __typename
        ... on WebhookEndpointWithSecret { secret endpoint { id } }
        ... on Error { code message }
      }
    }`,
    { input: { events: ["SMS_RECEIVED", "ACTIVATION_STATUS_CHANGED"], ...input } },
  );
  if (createWebhookEndpoint.__typename !== "WebhookEndpointWithSecret") throw new Error(JSON.stringify(createWebhookEndpoint));
  return { id: createWebhookEndpoint.endpoint.id, secret: createWebhookEndpoint.secret };
}

async function createEndpointAnswer(client: GraphqlClient, input: Record<string, unknown>) {
  const { createWebhookEndpoint } = await client.data(
    `mutation($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) {
        __typename
        ... on Error { code message }
        ... on ValidationError { issues { field message } }
      }
    }`,
    { input: { events: ["SMS_RECEIVED"], ...input } },
  );
  return createWebhookEndpoint;
}

async function endpointsOf(client: GraphqlClient) {
  const { webhookEndpoints } = await client.data(`{ webhookEndpoints { ${endpointFields} } }`);
  return webhookEndpoints as Array<{
    id: string;
    url: string;
    events: string[];
    includeMessageContent: boolean;
    recentDeliveries: Array<{
      eventId: string;
      eventType: string;
      status: string;
      attempts: number;
      lastStatusCode: number | null;
      lastError: string | null;
      completedAt: string | null;
    }>;
  }>;
}

/** A customer with an endpoint at a path of the receiver of its own. */
async function customerWithEndpoint(options: { events?: string[]; includeMessageContent?: boolean } = {}) {
  const customer = await createCustomer(app, { balanceMinor: 5_000 });
  const path = `/hooks/${randomUUID()}`;
  const endpoint = await createEndpoint(customer.client, { url: receiver.url(path), ...options });
  return { customer, path, endpoint };
}

const bodies = (path: string) => receiver.at(path).map((request) => JSON.parse(request.body));
const eventsOfType = (path: string, type: string) => bodies(path).filter((body) => body.type === type);

describe("registering endpoints", () => {
  it("answers the secret once, and stores it only encrypted", async () => {
    const { customer, endpoint } = await customerWithEndpoint();
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [listed] = await endpointsOf(customer.client);
    expect(listed).toMatchObject({
      id: endpoint.id,
      events: ["SMS_RECEIVED", "ACTIVATION_STATUS_CHANGED"],
      includeMessageContent: false,
    });
    expect(JSON.stringify(await customer.client.data(`{ webhookEndpoints { ${endpointFields} } }`))).not.toContain(
      endpoint.secret,
    );
    expect(await findInDatabase(app, endpoint.secret)).toEqual([]);
    const stored = await app.services.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(stored.secretCiphertext).toMatch(/^v1\./);
  });

  it("refuses bad addresses and empty subscriptions with typed errors, changing nothing", async () => {
    const customer = await createCustomer(app);
    const refused = [
      [{ url: "not a url" }, "INVALID_WEBHOOK_URL"],
      [{ url: "ftp://example.com/hook" }, "INVALID_WEBHOOK_URL"],
      [{ url: "https://user:pass@example.com/hook" }, "INVALID_WEBHOOK_URL"],
      [{ url: "https://example.com/hook#part" }, "INVALID_WEBHOOK_URL"],
      [{ url: `https://example.com/${"a".repeat(2048)}` }, "INVALID_WEBHOOK_URL"],
      [{ url: "https://name.invalid/hook" }, "WEBHOOK_HOST_UNRESOLVABLE"],
      [{ url: receiver.url("/x"), events: [] }, "VALIDATION_FAILED"],
    ] as const;
    for (const [input, code] of refused) {
      const answer = await createEndpointAnswer(customer.client, input);
      expect(answer, JSON.stringify(input).slice(0, 80)).toMatchObject({ code, message: expect.any(String) });
    }
    expect(await app.services.db.webhookEndpoint.count({ where: { accountId: customer.accountId } })).toBe(0);
  });

  it(`allows at most ${maxEndpointsPerAccount} endpoints per account`, async () => {
    const customer = await createCustomer(app);
    for (let index = 0; index < maxEndpointsPerAccount; index++)
      await createEndpoint(customer.client, { url: receiver.url(`/n${index}`) });
    expect(await createEndpointAnswer(customer.client, { url: receiver.url("/one-more") })).toMatchObject({
      code: "WEBHOOK_ENDPOINT_LIMIT",
    });
  });

  it("P7: another customer cannot see, rotate or delete my endpoint", async () => {
    const { customer, endpoint } = await customerWithEndpoint();
    const stranger = await createCustomer(app);
    expect(await endpointsOf(stranger.client)).toEqual([]);
    const rotate = await stranger.client.data(
      `mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { __typename ... on Error { code } } }`,
      { id: endpoint.id },
    );
    expect(rotate.rotateWebhookSecret).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND" });
    const remove = await stranger.client.data(
      `mutation($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) { __typename ... on Error { code } } }`,
      { id: endpoint.id },
    );
    expect(remove.deleteWebhookEndpoint).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(await endpointsOf(customer.client)).toHaveLength(1);
  });
});

describe("events", () => {
  it("sms.received is signed with the endpoint's secret, names its event id in the body and a header, and carries no SMS text by default", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ events: ["SMS_RECEIVED"] });
    const activation = await customer.orderNumber();
    const sms = await activation.receiveSms("Your Telegram code is 48213. Do not share it.");
    await eventually(() => receiver.at(path).length === 1, { what: "the sms.received event" });
    const [request] = receiver.at(path);
    if (!request) throw new Error("unreachable");
    expect(signatureVerifies(endpoint.secret, request.body, request.headers["x-signature"])).toBe(true);
    expect(signatureVerifies(`${endpoint.secret}x`, request.body, request.headers["x-signature"])).toBe(false);
    const event = JSON.parse(request.body);
    expect(event).toEqual({
      id: request.headers["x-event-id"],
      type: "sms.received",
      createdAt: expect.any(String),
      data: {
        activation: { id: activation.id, service: "telegram", country: "GB", status: "SMS_RECEIVED" },
        sms: { id: sms.messageId, receivedAt: expect.any(String) },
      },
    });
    expect(request.headers["x-event-type"]).toBe("sms.received");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).not.toContain("48213");
    expect(request.body).not.toContain(activation.phoneNumber);
  });

  it("sms.received carries the text and the code when the endpoint opted in", async () => {
    const { customer, path } = await customerWithEndpoint({ events: ["SMS_RECEIVED"], includeMessageContent: true });
    const activation = await customer.orderNumber();
    await activation.receiveSms("Your Telegram code is 48213. Do not share it.");
    await eventually(() => receiver.at(path).length === 1, { what: "the sms.received event" });
    expect(bodies(path)[0].data.sms).toMatchObject({ text: "Your Telegram code is 48213. Do not share it.", code: "48213" });
  });

  it("activation.status_changed follows every step: ordered, SMS received, finished, canceled, timed out", async () => {
    const { customer, path } = await customerWithEndpoint({ events: ["ACTIVATION_STATUS_CHANGED"] });
    const finished = await customer.orderNumber();
    await finished.receiveSms("Code 11111");
    await finishActivation(app.services, customer.accountId, finished.id);
    const canceled = await customer.orderNumber({ service: "whatsapp" });
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes + 1));
    await cancelActivation(app.services, customer.accountId, canceled.id);
    const timedOut = await customer.orderNumber({ service: "nosms" });
    app.clock.advance(minutes(app.services.config.activations.timeoutMinutes + 1));
    await expireOverdueActivations(app.services);

    const steps = (activationId: string) =>
      eventsOfType(path, "activation.status_changed")
        .filter((event) => event.data.activation.id === activationId)
        .map((event) => `${event.data.previousStatus}>${event.data.activation.status}`)
        .sort();
    await eventually(() => eventsOfType(path, "activation.status_changed").length === 7, { what: "seven status events" });
    expect(steps(finished.id)).toEqual(["SMS_RECEIVED>COMPLETED", "WAITING_SMS>SMS_RECEIVED", "null>WAITING_SMS"]);
    expect(steps(canceled.id)).toEqual(["WAITING_SMS>CANCELED", "null>WAITING_SMS"]);
    expect(steps(timedOut.id)).toEqual(["WAITING_SMS>TIMED_OUT", "null>WAITING_SMS"]);
    expect(eventsOfType(path, "sms.received")).toEqual([]);
  });

  it("P7: an SMS reaches only the endpoints of the account that ordered the number", async () => {
    const mine = await customerWithEndpoint({ includeMessageContent: true });
    const theirs = await customerWithEndpoint({ includeMessageContent: true });
    const activation = await mine.customer.orderNumber();
    await activation.receiveSms("Code 22222");
    await eventually(() => eventsOfType(mine.path, "sms.received").length === 1, { what: "my event" });
    await theirs.customer.orderNumber();
    await eventually(() => eventsOfType(theirs.path, "activation.status_changed").length === 1, {
      what: "their own order's event",
    });
    expect(
      receiver.at(theirs.path).some((request) => request.body.includes("22222") || request.body.includes(activation.id)),
    ).toBe(false);
  });
});

describe("delivery", () => {
  it("retries after a 500 with the same event id and body, then records the delivery and drops its body", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ events: ["SMS_RECEIVED"] });
    let answered = 0;
    receiver.answer = (request) => (request.path === path && answered++ === 0 ? 500 : 200);
    try {
      const activation = await customer.orderNumber();
      await activation.receiveSms("Code 33333");
      await eventually(() => receiver.at(path).length === 2, { what: "a failed attempt and its retry" });
    } finally {
      receiver.answer = () => 200;
    }
    const [first, second] = receiver.at(path);
    if (!first || !second) throw new Error("unreachable");
    expect(second.headers["x-event-id"]).toBe(first.headers["x-event-id"]);
    expect(second.body).toBe(first.body);
    expect(JSON.parse(second.body).id).toBe(first.headers["x-event-id"]);
    expect([first.headers["x-delivery-attempt"], second.headers["x-delivery-attempt"]]).toEqual(["1", "2"]);
    expect(signatureVerifies(endpoint.secret, second.body, second.headers["x-signature"])).toBe(true);

    await eventually(async () => (await endpointsOf(customer.client))[0]?.recentDeliveries[0]?.status === "DELIVERED", {
      what: "the delivery to be recorded",
    });
    const [listed] = await endpointsOf(customer.client);
    expect(listed?.recentDeliveries).toEqual([
      expect.objectContaining({
        eventId: first.headers["x-event-id"],
        eventType: "SMS_RECEIVED",
        status: "DELIVERED",
        attempts: 2,
        lastStatusCode: 200,
        lastError: null,
        completedAt: expect.any(String),
      }),
    ]);
    const stored = await app.services.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } });
    expect(stored.payloadCiphertext).toBeNull();
  });

  it("gives up after the last attempt: FAILED, with the last status, and no body kept", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ events: ["SMS_RECEIVED"] });
    receiver.answer = (request) => (request.path === path ? 503 : 200);
    try {
      await (await customer.orderNumber()).receiveSms("Code 44444");
      await eventually(
        async () =>
          (await app.services.db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id } }))?.status === "FAILED",
        { what: "the delivery to be given up" },
      );
    } finally {
      receiver.answer = () => 200;
    }
    expect(receiver.at(path)).toHaveLength(app.services.config.customerWebhooks.maxAttempts);
    const [listed] = await endpointsOf(customer.client);
    expect(listed?.recentDeliveries[0]).toMatchObject({
      status: "FAILED",
      attempts: 3,
      lastStatusCode: 503,
      lastError: "HTTP_ERROR",
    });
    expect(
      (await app.services.db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } })).payloadCiphertext,
    ).toBeNull();
  });

  it("makes one delivery record per event: a repeated SMS and a repeated job deliver nothing more", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ events: ["SMS_RECEIVED"] });
    const activation = await customer.orderNumber();
    const { upstreamMessageId } = await activation.receiveSms("Code 55555");
    await eventually(() => receiver.at(path).length === 1, { what: "the event" });
    const again = await activation.receiveSms("Code 55555", { messageId: upstreamMessageId }).catch((error: Error) => error);
    expect(again).toBeInstanceOf(Error);
    const deliveries = await app.services.db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(deliveries).toHaveLength(1);
    await eventually(
      async () =>
        (await app.services.db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id } }))?.status === "DELIVERED",
    );
    await attemptDelivery(app.services, deliveries[0]?.id ?? "");
    expect(receiver.at(path)).toHaveLength(1);
    await expect(
      app.services.db.webhookDelivery.create({
        data: { endpointId: endpoint.id, eventId: deliveries[0]?.eventId ?? "", eventType: "sms.received" },
      }),
    ).rejects.toThrow();
  });

  it("after a rotation, events are signed with the new secret only", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ events: ["ACTIVATION_STATUS_CHANGED"] });
    const { rotateWebhookSecret } = await customer.client.data(
      `mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { __typename ... on WebhookEndpointWithSecret { secret endpoint { secretRotatedAt } } } }`,
      { id: endpoint.id },
    );
    expect(rotateWebhookSecret.secret).not.toBe(endpoint.secret);
    expect(rotateWebhookSecret.endpoint.secretRotatedAt).toEqual(expect.any(String));
    await customer.orderNumber();
    await eventually(() => receiver.at(path).length === 1, { what: "the event" });
    const [request] = receiver.at(path);
    expect(signatureVerifies(rotateWebhookSecret.secret, request?.body ?? "", request?.headers["x-signature"])).toBe(true);
    expect(signatureVerifies(endpoint.secret, request?.body ?? "", request?.headers["x-signature"])).toBe(false);
  });

  it("P8: delivery records age out with the webhook.delivery retention policy", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ events: ["ACTIVATION_STATUS_CHANGED"] });
    await customer.orderNumber();
    await eventually(() => receiver.at(path).length === 1, { what: "the event" });
    const policy = await app.services.db.retentionPolicy.findUniqueOrThrow({ where: { key: "webhook.delivery" } });
    expect(policy.retentionSecs).toBe(6 * 60 * 60);
    app.clock.advance(policy.retentionSecs * 1000 + minutes(1));
    await runScheduledPurges(app.services);
    expect(await app.services.db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(await app.services.db.webhookEndpoint.count({ where: { id: endpoint.id } })).toBe(1);
  });
});

describe("the customer's rights", () => {
  async function staffActor(role: StaffRole): Promise<StaffActor> {
    const member = await createStaffMember(app, { role });
    return { kind: "staff", staffUserId: member.staffUserId, role, sessionId: randomUUID() };
  }

  it("P14: the access copy holds the endpoints and their deliveries, never a secret", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ events: ["ACTIVATION_STATUS_CHANGED"] });
    await customer.orderNumber();
    await eventually(() => receiver.at(path).length === 1, { what: "the event" });
    const copy = await buildAccessExport(app.services, customer.accountId, app.services.now());
    expect(copy.records.WebhookEndpoint).toEqual([expect.objectContaining({ id: endpoint.id, url: receiver.url(path) })]);
    expect(copy.records.WebhookDelivery).toEqual([expect.objectContaining({ eventType: "activation.status_changed" })]);
    const text = JSON.stringify(copy);
    expect(text).not.toContain(endpoint.secret);
    const [row] = copy.records.WebhookEndpoint ?? [];
    expect(Object.keys(row ?? {}).filter((field) => /secret/i.test(field))).toEqual(["secretRotatedAt"]);
    expect(copy.notIncluded).toContainEqual(expect.objectContaining({ model: "WebhookEndpoint", field: "secretCiphertext" }));
  });

  it("P16: erasing the account removes its endpoints, secrets and delivery records, and the scan finds none", async () => {
    const { customer, path, endpoint } = await customerWithEndpoint({ includeMessageContent: true });
    const activation = await customer.orderNumber();
    await activation.receiveSms("Code 66666");
    await eventually(() => receiver.at(path).length === 3, { what: "the events" });
    const request = await customer.requestPrivacy({
      kind: "DELETION",
      currentPassword: customer.password,
      details: "Please erase my account and everything linked to it",
    });
    const support = await staffActor("SUPPORT");
    const reviewer = await staffActor("COMPLIANCE");
    const plan = await planErasure(app.services, support, request.id);
    // The plan, computed from the inventory, deletes them itself (the account's row cascading is not the mechanism).
    expect(plan.steps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ model: "WebhookEndpoint", action: "delete", rows: 1 }),
        expect.objectContaining({ model: "WebhookDelivery", action: "delete", rows: 3 }),
      ]),
    );
    await approveErasure(app.services, reviewer, plan.id);
    const { scan } = await runErasure(app.services, reviewer, plan.id);

    expect(await app.services.db.webhookEndpoint.count({ where: { id: endpoint.id } })).toBe(0);
    expect(await app.services.db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(await findInDatabase(app, path)).toEqual([]);
    expect(await findInDatabase(app, endpoint.secret)).toEqual([]);
    expect(scan.clean).toBe(true);
    expect(scan.searched.text).toBeGreaterThanOrEqual(1);
    expect(scan.hits.filter((hit) => hit.column.includes("Webhook"))).toEqual([]);
  });
});
