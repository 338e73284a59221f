/**
 * Seed factories and helpers for SMS and subscription tests: order a number,
 * have the upstream operator deliver an SMS to it over the signed webhook, and
 * listen to a subscription until it is provably live.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { App } from "@smsape/api";
import type { GraphqlClient, TestApp, TestCustomer } from "@smsape/api/testing";
import type { Client } from "graphql-ws";

export interface OrderedNumber {
  id: string;
  phoneNumber: string;
  status: string;
}

/** Orders a number through the customer API, as a client app would. */
export async function orderNumber(customer: TestCustomer, service = "telegram", country = "GB"): Promise<OrderedNumber> {
  const { orderNumber: result } = await customer.client.data(
    `mutation($input: OrderNumberInput!) {
      orderNumber(input: $input) { __typename ... on OrderNumberPayload { activation { id phoneNumber status } } ... on Error { code message } }
    }`,
    { input: { service, country } },
  );
  if (result.__typename !== "OrderNumberPayload") throw new Error(`orderNumber failed: ${JSON.stringify(result)}`);
  return result.activation;
}

/** The operator's signature, computed here independently of the service's own code. */
export function operatorSignature(secret: string, rawBody: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${createHmac("sha256", secret).update(`${timestampSeconds}.${rawBody}`).digest("hex")}`;
}

export interface SmsDelivery {
  messageId?: string;
  to: string;
  text: string;
  from?: string;
  route?: string;
  receivedAt?: string;
}

/**
 * The upstream operator's POST /webhooks/sms, signed with the app's SMS
 * secret at the app's current time, unless the options say otherwise.
 */
export async function deliverSms(
  app: App & { clock?: TestApp["clock"] },
  sms: SmsDelivery,
  options: { secret?: string; timestampSeconds?: number; signature?: string | null; rawBody?: string } = {},
): Promise<{ status: number; body: any; messageId: string }> {
  const messageId = sms.messageId ?? `op-${randomBytes(6).toString("hex")}`;
  const rawBody = options.rawBody ?? JSON.stringify({ ...sms, messageId });
  const timestamp = options.timestampSeconds ?? Math.floor(app.services.now().getTime() / 1000);
  const signature =
    options.signature === undefined
      ? operatorSignature(options.secret ?? app.services.config.webhooks.smsSecret, rawBody, timestamp)
      : options.signature;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["x-signature"] = signature;
  const response = await fetch(`${app.url}/webhooks/sms`, { method: "POST", headers, body: rawBody });
  return { status: response.status, body: await response.json(), messageId };
}

/** Delivers an SMS that must be accepted, and returns the stored message's id. */
export async function deliverSmsOk(app: App, sms: SmsDelivery): Promise<{ messageId: string; upstreamMessageId: string }> {
  const result = await deliverSms(app, sms);
  if (result.status !== 200 || result.body.status !== "delivered")
    throw new Error(`SMS not delivered: ${result.status} ${JSON.stringify(result.body)}`);
  const stored = await app.services.db.smsMessage.findUniqueOrThrow({ where: { upstreamMessageId: result.messageId } });
  return { messageId: stored.id, upstreamMessageId: result.messageId };
}

export interface Listener<T> {
  events: T[];
  errors: unknown[];
  stop(): void;
}

/** Subscribes and keeps every event (and every error) it receives. */
export function listen<T = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Listener<T> {
  const listener: Listener<T> = { events: [], errors: [], stop: () => {} };
  listener.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors?.length) listener.errors.push(value.errors);
        if (value.data) listener.events.push(value.data as T);
      },
      error: (error) => listener.errors.push(error),
      complete: () => {},
    },
  );
  return listener;
}

/** Waits until `check` holds, running `each` before every look (e.g. to re-send a probe). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; each?: () => unknown; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    await options.each?.();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${options.what ?? "a condition"}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/**
 * A subscription gives no sign that it is listening. This re-announces an SMS
 * the subscriber already owns (stored earlier) on the live-event bus until the
 * subscriber hears it: from then on, nothing published is missed.
 */
export async function untilLive(
  app: App,
  listener: Listener<{ smsReceived: { id: string } }>,
  probe: { accountId: string; activationId: string; messageId: string },
): Promise<void> {
  await eventually(() => listener.events.some((event) => event.smsReceived.id === probe.messageId), {
    each: () =>
      app.services.events.publish("smsReceived", probe.accountId, {
        activationId: probe.activationId,
        messageId: probe.messageId,
      }),
    intervalMs: 150,
    what: "the subscription to be live",
  });
}

export interface SocketClose {
  code: number;
  reason: string;
}

/** A graphql-ws socket connected (acknowledged) with the client's credential, and every close it sees. */
export async function connectedSubscriptions(client: GraphqlClient): Promise<{ socket: Client; closes: SocketClose[] }> {
  const socket = client.subscriptions({ lazy: false });
  const closes: SocketClose[] = [];
  socket.on("closed", (event) => {
    const { code, reason } = event as SocketClose;
    closes.push({ code, reason });
  });
  await new Promise<void>((resolve, reject) => {
    socket.on("connected", () => resolve());
    socket.on("closed", (event) => reject(new Error(`closed before connecting: ${(event as SocketClose).code}`)));
  });
  return { socket, closes };
}

/** Waits for the close a socket gets when its credential ends: 4401, as the README documents. */
export async function closedForEndedCredential(closes: SocketClose[]): Promise<void> {
  await eventually(() => closes.length > 0, { what: "the socket to be closed" });
  const [close] = closes;
  if (close?.code !== 4401 || close.reason !== "Unauthorized: the session or API key ended; authenticate again") {
    throw new Error(`expected the close 4401 for an ended credential, got ${JSON.stringify(close)}`);
  }
}

export const smsFields = "id text code receivedAt activation { id status }";

export interface SmsEvent {
  smsReceived: {
    id: string;
    text: string | null;
    code: string | null;
    receivedAt: string;
    activation: { id: string; status: string };
  };
}
