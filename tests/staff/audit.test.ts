import { createPublicKey, verify } from "node:crypto";
import { createCustomer, createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditEntry, eraseAuditNotesAbout } from "../../api/src/domain/audit/audit-log.ts";
import { writeAuditCheckpoint } from "../../api/src/domain/audit/checkpoints.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const entriesQuery = `query($filter: AuditEntryFilter, $first: Int) {
  auditEntries(filter: $filter, first: $first) {
    edges { node { seq at actorType actorId action subjectType subjectId reason details } }
  }
}`;
const verifyMutation = `mutation($input: VerifyAuditChainInput) {
  verifyAuditChain(input: $input) {
    __typename
    ... on AuditChainVerification { valid entries lastSeq brokenAtSeq brokenAtPosition problem }
    ... on Error { code message }
  }
}`;
const checkpointsQuery = `{ auditCheckpoints { publicKey keyId checkpoints { seq hash at keyId signature statement } } }`;

/** A customer who filed a correction request and withdrew it: two entries about the request. */
async function customerWithHistory() {
  const customer = await createCustomer(app);
  const filed = await customer.client.data(
    `mutation { requestCorrection(input: { details: "My name is spelt wrong" }) { ... on PrivacyRequestPayload { privacyRequest { id } } } }`,
  );
  const requestId: string = filed.requestCorrection.privacyRequest.id;
  await customer.client.data(`mutation($id: ID!) { withdrawPrivacyRequest(input: { id: $id }) { __typename } }`, {
    id: requestId,
  });
  return { customer, requestId };
}

describe("the audit log in the staff API", () => {
  it("shows COMPLIANCE the entries about a record, newest first, filtered by subject, actor and action", async () => {
    const { customer, requestId } = await customerWithHistory();
    const { client } = await createStaffMember(app, { role: "COMPLIANCE" });
    const bySubject = await client.data(entriesQuery, { filter: { subjectType: "PrivacyRequest", subjectId: requestId } });
    expect(bySubject.auditEntries.edges.map((edge: any) => [edge.node.action, edge.node.actorType, edge.node.actorId])).toEqual([
      ["privacy_request.withdrawn", "ACCOUNT", customer.accountId],
      ["privacy_request.created", "ACCOUNT", customer.accountId],
    ]);
    const byActor = await client.data(entriesQuery, {
      filter: { actorType: "ACCOUNT", actorId: customer.accountId, action: "privacy_request.created" },
    });
    expect(byActor.auditEntries.edges).toHaveLength(1);
    expect(JSON.parse(byActor.auditEntries.edges[0].node.details)).toMatchObject({ kind: "CORRECTION", source: "SELF_SERVICE" });
    const future = await client.data(entriesQuery, { filter: { subjectId: requestId, from: new Date(Date.now() + 3_600_000) } });
    expect(future.auditEntries.edges).toHaveLength(0);
  });

  it("pages the log by number: page n holds the same entries as the cursor list's nth slice, fetched alone", async () => {
    await customerWithHistory();
    await customerWithHistory();
    const { client } = await createStaffMember(app, { role: "COMPLIANCE" });
    const pageQuery = `query($filter: AuditEntryFilter, $page: Int!, $perPage: Int!) {
      auditEntryPage(filter: $filter, page: $page, perPage: $perPage) {
        __typename
        ... on AuditEntryPage { entries { seq action } hasNextPage }
        ... on Error { code message }
      }
    }`;
    const filter = { subjectType: "PrivacyRequest" };
    const all = (await client.data(entriesQuery, { filter, first: 100 })).auditEntries.edges.map((edge: any) => edge.node.seq);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const second = (await client.data(pageQuery, { filter, page: 2, perPage: 2 })).auditEntryPage;
    expect(second.entries.map((entry: any) => entry.seq)).toEqual(all.slice(2, 4));
    expect(second.hasNextPage).toBe(all.length > 4);
    const last = Math.ceil(all.length / 2);
    expect((await client.data(pageQuery, { filter, page: last, perPage: 2 })).auditEntryPage.hasNextPage).toBe(false);
    const past = (await client.data(pageQuery, { filter, page: last + 1, perPage: 2 })).auditEntryPage;
    expect(past.entries).toEqual([]);

    for (const [page, perPage, field] of [
      [0, 10, "page"],
      [1, 201, "perPage"],
      [20_000, 100, "page"],
    ] as const) {
      const refused = (await client.data(pageQuery, { page, perPage })).auditEntryPage;
      expect(refused.code).toBe("VALIDATION_FAILED");
      expect(refused.message).toContain(field);
    }
  });

  it("P20: refuses the log, its verification and its checkpoints to SUPPORT and ADMIN", async () => {
    for (const role of ["SUPPORT", "ADMIN"] as const) {
      const { client } = await createStaffMember(app, { role });
      for (const operation of [
        `{ auditEntries(first: 1) { edges { node { seq } } } }`,
        `{ auditEntryPage(page: 1, perPage: 1) { __typename } }`,
        verifyMutation,
        checkpointsQuery,
      ]) {
        const response = await client.request(operation);
        expect(
          response.errors?.map((error) => error.extensions?.code),
          `${role}: ${operation}`,
        ).toEqual(["NOT_AUTHORIZED"]);
      }
    }
  });

  it("verifies the chain, and records that it did", async () => {
    await customerWithHistory();
    const { client, staffUserId } = await createStaffMember(app, { role: "COMPLIANCE" });
    const total = await app.services.db.auditEntry.count();
    const { verifyAuditChain } = await client.data(verifyMutation);
    expect(verifyAuditChain).toMatchObject({ __typename: "AuditChainVerification", valid: true, entries: total });
    const recorded = await client.data(entriesQuery, { filter: { actorId: staffUserId, action: "audit_chain.verified" } });
    expect(JSON.parse(recorded.auditEntries.edges[0].node.details)).toMatchObject({ valid: true, entries: total });
  });

  it("exports checkpoints that an outside verifier checks with the public key alone, and verifies from one", async () => {
    await customerWithHistory();
    const written = await writeAuditCheckpoint(app.services);
    if (!written) throw new Error("No checkpoint was written.");
    const { client } = await createStaffMember(app, { role: "COMPLIANCE" });
    const { auditCheckpoints } = await client.data(checkpointsQuery);
    const publicKey = createPublicKey({ key: Buffer.from(auditCheckpoints.publicKey, "base64"), format: "der", type: "spki" });
    const [newest] = auditCheckpoints.checkpoints;
    expect(newest).toMatchObject({ seq: String(written.seq), hash: written.hash, keyId: auditCheckpoints.keyId });
    expect(newest.statement).toBe(`smsape-audit-checkpoint\n${newest.seq}\n${newest.hash}\n${newest.at}`);
    expect(verify(null, Buffer.from(newest.statement), publicKey, Buffer.from(newest.signature, "base64"))).toBe(true);
    expect(
      verify(null, Buffer.from(newest.statement.replace(/\d\n/, "9\n")), publicKey, Buffer.from(newest.signature, "base64")),
    ).toBe(false);

    const after = await app.services.db.auditEntry.count({ where: { seq: { gt: written.seq } } });
    const fromCheckpoint = await client.data(verifyMutation, { input: { fromCheckpointSeq: newest.seq } });
    expect(fromCheckpoint.verifyAuditChain).toMatchObject({ valid: true, entries: after });
    const unknown = await client.data(verifyMutation, { input: { fromCheckpointSeq: "999999999" } });
    expect(unknown.verifyAuditChain).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
  });

  it("shows a staff note beside its entry until the account is erased, and the chain still verifies", async () => {
    const { customer } = await customerWithHistory();
    const { client, staffUserId, role } = await createStaffMember(app, { role: "COMPLIANCE" });
    const note = "Confirmed by phone with the holder, who spells it Zoë Quartermaine";
    await app.services.db.$transaction((tx) =>
      appendAuditEntry(
        tx,
        { kind: "staff", staffUserId, role, sessionId: staffUserId },
        {
          action: "account.personal_data_revealed",
          subjectType: "Account",
          subjectId: customer.accountId,
          reason: "identity_check",
          details: { fields: ["email"], reference: null },
        },
        app.services.now(),
        { note: { text: note, aboutAccountId: customer.accountId } },
      ),
    );
    const notes = async () =>
      (
        await client.data(
          `query($filter: AuditEntryFilter) { auditEntries(filter: $filter) { edges { node { note details } } } }`,
          {
            filter: { subjectId: customer.accountId, action: "account.personal_data_revealed" },
          },
        )
      ).auditEntries.edges.map((edge: any) => edge.node.note);
    expect(await notes()).toEqual([note]);
    await app.services.db.$transaction((tx) => eraseAuditNotesAbout(tx, customer.accountId));
    expect(await notes()).toEqual([null]);
    expect((await client.data(verifyMutation)).verifyAuditChain.valid).toBe(true);
  });

  it("reports an entry changed directly in the database at its position", async () => {
    const { requestId } = await customerWithHistory();
    const { client } = await createStaffMember(app, { role: "COMPLIANCE" });
    const [target] = await app.services.db.auditEntry.findMany({ where: { subjectId: requestId }, orderBy: { seq: "asc" } });
    if (!target) throw new Error("No entry about the request.");
    const position = await app.services.db.auditEntry.count({ where: { seq: { lte: target.seq } } });
    await tamper(`UPDATE "AuditEntry" SET action = 'privacy_request.completed' WHERE seq = ${target.seq}`);
    try {
      const { verifyAuditChain } = await client.data(verifyMutation);
      expect(verifyAuditChain).toMatchObject({
        valid: false,
        brokenAtSeq: String(target.seq),
        brokenAtPosition: position,
        problem: "HASH_MISMATCH",
      });
    } finally {
      await tamper(`UPDATE "AuditEntry" SET action = ${`'${target.action}'`} WHERE seq = ${target.seq}`);
    }
    expect((await client.data(verifyMutation)).verifyAuditChain.valid).toBe(true);
  });
});

/** Changes the log as someone with superuser rights could: the append-only trigger is off for that transaction. */
async function tamper(sql: string) {
  await app.services.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    await tx.$executeRawUnsafe(sql);
  });
}
