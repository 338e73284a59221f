/**
 * The staff console's live queue (privacyQueueChanged on /admin/graphql):
 * the socket is authenticated at connection, so an anonymous one is refused;
 * a member who may read the queue hears a request being filed; and when an
 * ADMIN revokes the member's session, the subscription's socket is closed.
 */
import {
  closedForEndedCredential,
  connectedSubscriptions,
  createCustomer,
  createStaffMember,
  eventually,
  GraphqlClient,
  listen,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
const sockets: Client[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

const queueSubscription = "subscription { privacyQueueChanged { id status } }";

describe("the staff queue subscription", () => {
  it("refuses an anonymous WebSocket on /admin/graphql before any event", async () => {
    const socket = new GraphqlClient(app.url, "/admin/graphql").subscriptions();
    sockets.push(socket);
    const listener = listen(socket, queueSubscription);
    await eventually(() => listener.errors.length > 0, { what: "the connection to be refused" });
    expect((listener.errors[0] as { code?: number }).code).toBe(4403);
    await createCustomer(app).then((customer) => customer.requestPrivacy({ kind: "ACCESS" }));
    expect(listener.events).toEqual([]);
  });

  it("P5: tells a COMPLIANCE member of a request filed, and closes the socket when an ADMIN revokes the session", async () => {
    const member = await createStaffMember(app, { role: "COMPLIANCE" });
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const { socket, closes } = await connectedSubscriptions(member.client);
    sockets.push(socket);
    const listener = listen<{ privacyQueueChanged: { id: string; status: string } }>(socket, queueSubscription);

    // The subscription gives no sign that it is listening: file requests until one is heard.
    const filed: string[] = [];
    await eventually(() => listener.events.some((event) => filed.includes(event.privacyQueueChanged.id)), {
      each: async () => {
        // One open request per kind and account: each probe is another customer's.
        if (filed.length < 5) filed.push((await (await createCustomer(app)).requestPrivacy({ kind: "ACCESS" })).id);
      },
      intervalMs: 500,
      what: "a filed request to be heard",
    });
    expect(listener.errors).toEqual([]);

    const { staffMember } = await admin.client.data(`query($id: ID!) { staffMember(id: $id) { sessions { id } } }`, {
      id: member.staffUserId,
    });
    const [session] = staffMember.sessions as Array<{ id: string }>;
    const { revokeStaffSession } = await admin.client.data(
      `mutation($input: StaffMemberIdInput!) { revokeStaffSession(input: $input) { __typename } }`,
      { input: { id: session?.id } },
    );
    expect(revokeStaffSession.__typename).toBe("RevokeStaffSessionPayload");
    await closedForEndedCredential(closes);
  });
});
