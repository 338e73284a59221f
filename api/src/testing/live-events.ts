/**
 * Live events in tests: listen to a subscription, wait until it is provably
 * live, and watch a socket for the close that ends it.
 */
import type { Client } from "graphql-ws";
import type { App } from "../app.ts";
import type { GraphqlClient } from "./graphql-client.ts";

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
