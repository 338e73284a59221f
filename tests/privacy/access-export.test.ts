import { randomUUID } from "node:crypto";
import { createCustomer, createStaffMember, startTestApp, type TestApp, type TestCustomer } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { exportedName, prepareAccessExport, purgeExpiredExports } from "../../api/src/domain/privacy/access-export.ts";
import { dataInventory, type FieldClassification, type InventoriedModel } from "../../api/src/domain/privacy/inventory.ts";
import { replyToSupportTicket } from "../../api/src/domain/privacy/support-tickets.ts";
import { NotPermittedError } from "../../api/src/domain/staff/permissions.ts";

const day = 24 * 60 * 60_000;
let app: TestApp;
let support: StaffActor;

beforeAll(async () => {
  app = await startTestApp();
  const member = await createStaffMember(app, { role: "SUPPORT" });
  support = { kind: "staff", staffUserId: member.staffUserId, role: "SUPPORT", sessionId: randomUUID() };
});
afterAll(async () => {
  await app?.close();
});

/** A customer with something in every part of their data, and an access request of theirs. */
async function customerWithHistory() {
  const customer = await createCustomer(app, { balanceMinor: 1_000 });
  await customer.createApiKey("laptop script");
  const activation = await customer.orderNumber();
  await activation.receiveSms("Your Telegram code is 482913");
  const { contactSupport } = await customer.client.data(
    `mutation { contactSupport(input: { subject: "Late code", body: "The code came late." }) { ... on ContactSupportReceipt { ticketId } } }`,
  );
  await replyToSupportTicket(app.services, support, contactSupport.ticketId, { body: "Sorry, the carrier was slow." });
  const request = await customer.requestPrivacy({ kind: "ACCESS" });
  return { customer, request, activation };
}

/** The download link in the newest "copy is ready" email to the customer. */
async function emailedLink(customer: TestCustomer): Promise<string> {
  const email = await app.mailbox.latest(customer.email, "Your copy of your data is ready");
  const link = email.body.match(/https?:\/\/\S+\/privacy\/export\/exp_[A-Za-z0-9_-]+/)?.[0];
  if (!link) throw new Error("No download link in the email");
  return new URL(link).pathname;
}

function download(path: string, token?: string, headers: Record<string, string> = {}) {
  return fetch(new URL(path, app.url), { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
}

describe("access: a copy of one's data (P14)", () => {
  it("P14: the copy holds every field the inventory marks exported, from every model holding the person's data, and no other", async () => {
    const { customer, request } = await customerWithHistory();
    await prepareAccessExport(app.services, support, request.id);
    const response = await download(await emailedLink(customer), customer.token);
    expect(response.status).toBe(200);
    const text = await response.text();
    const { data, summary } = JSON.parse(text);

    const expectedModels: InventoriedModel[] = [
      "Account",
      "PolicyAcknowledgement",
      "Session",
      "ApiKey",
      "Activation",
      "ActivationStatusChange",
      "SmsMessage",
      "LedgerEntry",
      "PaymentEvent",
      "PrivacyRequest",
      "OutboxEmail",
      "AuditEntry",
      "SupportTicket",
      "SupportTicketMessage",
    ];
    for (const model of expectedModels) expect(data.records[model]?.length ?? 0, model).toBeGreaterThan(0);
    for (const [model, rows] of Object.entries(data.records) as Array<[InventoriedModel, Array<Record<string, unknown>>]>) {
      const fields = Object.entries(dataInventory[model] as Record<string, FieldClassification>);
      const exported = fields.filter(([, field]) => field.export).map(([name]) => exportedName(model, name));
      const withheld = fields.filter(([, field]) => !field.export).map(([name]) => name);
      for (const row of rows) {
        expect(Object.keys(row).sort(), model).toEqual([...exported].sort());
        for (const name of withheld) expect(row, `${model}.${name}`).not.toHaveProperty(name);
      }
    }
    expect(data.records.Account[0]).toMatchObject({ id: customer.accountId, email: customer.email });
    expect(data.records.SmsMessage[0]).toMatchObject({ body: "Your Telegram code is 482913", code: "482913" });
    expect(data.records.SupportTicketMessage[0]).toMatchObject({ body: "Sorry, the carrier was slow." });

    // Nothing the inventory withholds is in the file under another name: hashes and ciphertexts.
    const account = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    const sessions = await app.services.db.session.findMany({ where: { accountId: customer.accountId } });
    const keys = await app.services.db.apiKey.findMany({ where: { accountId: customer.accountId } });
    const sms = await app.services.db.smsMessage.findMany({ where: { activation: { accountId: customer.accountId } } });
    const secrets = [
      account.passwordHash,
      ...sessions.map((session) => session.tokenHash),
      ...keys.map((key) => key.keyHash),
      ...sms.flatMap((message) => [message.bodyCiphertext, message.codeCiphertext]),
    ].filter((value): value is string => Boolean(value));
    expect(secrets.length).toBeGreaterThan(4);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(summary).toContain(customer.email);
  });

  it("P14, P7: the copy holds the holder's rows only, none of another account with the same kinds of data", async () => {
    const { customer, request, activation } = await customerWithHistory();
    const other = await customerWithHistory();
    await other.activation.receiveSms("Your Telegram code is 771234");
    await prepareAccessExport(app.services, support, request.id);
    const text = await (await download(await emailedLink(customer), customer.token)).text();
    const { data } = JSON.parse(text);

    const otherActivations = await app.services.db.activation.findMany({ where: { accountId: other.customer.accountId } });
    const otherLedger = await app.services.db.ledgerEntry.findMany({ where: { accountId: other.customer.accountId } });
    for (const value of [
      other.customer.accountId,
      other.customer.email,
      other.request.id,
      "771234",
      ...otherActivations.map((row) => row.id),
      ...otherLedger.map((row) => row.id),
    ]) {
      expect(text).not.toContain(value);
    }
    const own = { accountId: customer.accountId };
    expect(data.records.Activation.map((row: { id: string }) => row.id)).toEqual([activation.id]);
    expect(data.records.SmsMessage).toHaveLength(1);
    expect(data.records.ActivationStatusChange).toHaveLength(
      await app.services.db.activationStatusChange.count({ where: { activation: own } }),
    );
    expect(data.records.LedgerEntry).toHaveLength(await app.services.db.ledgerEntry.count({ where: own }));
    expect(data.records.AuditEntry.length).toBeGreaterThan(0);
  });

  it("is sent compressed to a client that accepts gzip, and as plain JSON to one that does not: the same copy", async () => {
    const { customer, request } = await customerWithHistory();
    await prepareAccessExport(app.services, support, request.id);
    const compressed = await download(await emailedLink(customer), customer.token);
    expect(compressed.headers.get("content-encoding")).toBe("gzip");
    expect(compressed.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const first = JSON.parse(await compressed.text());

    await prepareAccessExport(app.services, support, request.id);
    const plain = await download(await emailedLink(customer), customer.token, { "accept-encoding": "identity" });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("content-disposition")).toBe('attachment; filename="smsape-data.json"');
    const second = JSON.parse(await plain.text());
    expect(second.data.records.SmsMessage).toEqual(first.data.records.SmsMessage);
    expect(second.data.records.Activation).toEqual(first.data.records.Activation);
  });

  it("P14: the link works once, only for the signed-in holder, and not after it expires; the copy is then deleted", async () => {
    const { customer, request } = await customerWithHistory();
    const other = await createCustomer(app);
    await prepareAccessExport(app.services, support, request.id);
    const path = await emailedLink(customer);

    expect((await download(path)).status).toBe(401);
    expect((await download(path, other.token)).status).toBe(404);
    const apiKey = await customer.createApiKey();
    expect((await download(path, apiKey.secret)).status).toBe(401);
    expect((await download(path, customer.token)).status).toBe(200);
    const second = await download(path, customer.token);
    expect(second.status).toBe(410);
    expect((await second.json()).code).toBe("EXPORT_ALREADY_DOWNLOADED");

    await prepareAccessExport(app.services, support, request.id);
    const late = await emailedLink(customer);
    expect(late).not.toBe(path);
    app.clock.advance(8 * day);
    const { token } = await customer.signIn();
    const expired = await download(late, token);
    expect(expired.status).toBe(410);
    expect((await expired.json()).code).toBe("EXPORT_EXPIRED");
    expect(await purgeExpiredExports(app.services)).toBeGreaterThanOrEqual(2);
    expect(await app.services.db.privacyExport.count({ where: { accountId: customer.accountId } })).toBe(0);
  });

  it("is prepared only by staff allowed to, for an access request", async () => {
    const { customer, request } = await customerWithHistory();
    const admin: StaffActor = { ...support, role: "ADMIN" };
    await expect(prepareAccessExport(app.services, admin, request.id)).rejects.toBeInstanceOf(NotPermittedError);
    const restriction = await customer.requestPrivacy({ kind: "RESTRICTION" });
    await expect(prepareAccessExport(app.services, support, restriction.id)).rejects.toMatchObject({
      code: "REQUEST_NOT_FULFILLABLE",
    });
  });
});
