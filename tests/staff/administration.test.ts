/**
 * Staff administration over HTTP (P5, P20): an ADMIN adds staff members,
 * disables one at once (their sessions end and their open sockets close),
 * sees and revokes sessions and resets a member's authenticator. Only ADMIN
 * may: each role boundary is tested, and each step is audited.
 */
import {
  closedForEndedCredential,
  connectedSubscriptions,
  createStaffMember,
  GraphqlClient,
  staffSignIn,
  staffViewerOf,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import type { StaffRole } from "@smsape/db";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permissionsOf } from "../../api/src/domain/staff/permissions.ts";

let app: TestApp;
const sockets: Client[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

const idInput = (id: string) => ({ input: { id } });

const operations = {
  listMembers: { query: `{ staffMembers { id email role disabledAt totpEnrolled } }`, field: "staffMembers" },
  member: (id: string) => ({ query: `query($id: ID!) { staffMember(id: $id) { id } }`, variables: { id }, field: "staffMember" }),
  sessions: (id: string) => ({
    query: `query($id: ID!) { staffMember(id: $id) { sessions { id live current revokedAt } } }`,
    variables: { id },
    field: "staffMember",
  }),
};

const mutations = {
  create: `mutation($input: CreateStaffMemberInput!) {
    createStaffMember(input: $input) { __typename ... on StaffMemberPayload { staff { id email role totpEnrolled } } ... on Error { code } }
  }`,
  disable: `mutation($input: StaffMemberIdInput!) {
    disableStaffMember(input: $input) { __typename ... on StaffMemberPayload { staff { id disabledAt } } ... on Error { code } }
  }`,
  reset: `mutation($input: StaffMemberIdInput!) {
    resetStaffTotp(input: $input) { __typename ... on StaffMemberPayload { staff { id totpEnrolled } } ... on Error { code } }
  }`,
  revoke: `mutation($input: StaffMemberIdInput!) {
    revokeStaffSession(input: $input) { __typename ... on RevokeStaffSessionPayload { session { id live revokedAt } } ... on Error { code } }
  }`,
};

async function sessionsOf(admin: GraphqlClient, staffUserId: string) {
  const { query, variables } = operations.sessions(staffUserId);
  return (await admin.data(query, variables)).staffMember.sessions as Array<{ id: string; live: boolean; current: boolean }>;
}

async function auditedActions(subjectId: string) {
  const entries = await app.services.db.auditEntry.findMany({ where: { subjectId }, orderBy: { seq: "asc" } });
  return entries.map((entry) => ({ action: entry.action, actorType: entry.actorType, actorId: entry.actorId }));
}

describe("an ADMIN manages staff", () => {
  it("P5: disabling a member ends their session at once and closes their open socket with 4401", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const member = await createStaffMember(app, { role: "SUPPORT" });
    const { socket, closes } = await connectedSubscriptions(member.client);
    sockets.push(socket);
    expect(await staffViewerOf(member.client)).toMatchObject({ id: member.staffUserId });

    const { disableStaffMember } = await admin.client.data(mutations.disable, idInput(member.staffUserId));
    expect(disableStaffMember.__typename).toBe("StaffMemberPayload");
    expect(disableStaffMember.staff.disabledAt).not.toBeNull();

    await closedForEndedCredential(closes);
    expect(await staffViewerOf(member.client)).toBeNull();
    const refused = await member.client.request(`{ staffMembers { id } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    // Nor can they sign in again, and the answer does not say why.
    expect(await staffSignIn(new GraphqlClient(app.url, "/admin/graphql"), member.email, member.password)).toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    expect(await auditedActions(member.staffUserId)).toContainEqual({
      action: "staff.disabled",
      actorType: "STAFF",
      actorId: admin.staffUserId,
    });
  });

  it("an ADMIN cannot disable themselves", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const { disableStaffMember } = await admin.client.data(mutations.disable, idInput(admin.staffUserId));
    expect(disableStaffMember).toMatchObject({ code: "CANNOT_DISABLE_SELF" });
  });

  it("P5: lists a member's sessions and revokes one: that session ends and its socket closes, the other stays", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const member = await createStaffMember(app, { role: "COMPLIANCE" });
    const otherClient = await member.signIn();
    const { socket, closes } = await connectedSubscriptions(member.client);
    sockets.push(socket);

    const sessions = await sessionsOf(admin.client, member.staffUserId);
    expect(sessions).toHaveLength(2);
    expect(sessions.every((session) => session.live && !session.current)).toBe(true);
    // Newest first: the second sign-in's session, then the first (the one member.client holds).
    const [, first] = sessions;
    const { revokeStaffSession } = await admin.client.data(mutations.revoke, idInput(first?.id ?? ""));
    expect(revokeStaffSession).toMatchObject({ __typename: "RevokeStaffSessionPayload", session: { live: false } });

    await closedForEndedCredential(closes);
    expect(await staffViewerOf(member.client)).toBeNull();
    expect(await staffViewerOf(otherClient)).toMatchObject({ id: member.staffUserId });
    expect(await auditedActions(first?.id ?? "")).toContainEqual({
      action: "staff_session.revoked",
      actorType: "STAFF",
      actorId: admin.staffUserId,
    });
  });

  it("adds a member, who enrols an authenticator at first sign-in; the list shows them", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const email = `added-${Date.now()}@example.test`;
    const input = { email, displayName: "Added Member", role: "COMPLIANCE", password: "initial-password-1" };
    const { createStaffMember: created } = await admin.client.data(mutations.create, { input });
    expect(created).toMatchObject({
      __typename: "StaffMemberPayload",
      staff: { email, role: "COMPLIANCE", totpEnrolled: false },
    });
    const { createStaffMember: again } = await admin.client.data(mutations.create, { input });
    expect(again).toMatchObject({ code: "STAFF_EMAIL_TAKEN" });
    const { createStaffMember: weak } = await admin.client.data(mutations.create, {
      input: { ...input, email: "x@example.test", password: "short" },
    });
    expect(weak).toMatchObject({ code: "VALIDATION_FAILED" });

    const { staffMembers } = await admin.client.data(operations.listMembers.query);
    expect(staffMembers).toContainEqual(expect.objectContaining({ id: created.staff.id, email }));
    expect(await staffSignIn(new GraphqlClient(app.url, "/admin/graphql"), email, input.password)).toMatchObject({
      step: "ENROL_TOTP",
    });
    expect(await auditedActions(created.staff.id)).toContainEqual({
      action: "staff.created",
      actorType: "STAFF",
      actorId: admin.staffUserId,
    });
  });

  it("P20: resetting a member's authenticator ends their sessions; their next sign-in enrols a new one", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const member = await createStaffMember(app);
    const { resetStaffTotp } = await admin.client.data(mutations.reset, idInput(member.staffUserId));
    expect(resetStaffTotp).toMatchObject({ staff: { totpEnrolled: false } });
    expect(await staffViewerOf(member.client)).toBeNull();
    const step = await staffSignIn(new GraphqlClient(app.url, "/admin/graphql"), member.email, member.password);
    expect(step).toMatchObject({ step: "ENROL_TOTP" });
    expect(step.enrolment?.secret).not.toBe(member.totpSecret);
    expect(await app.services.db.staffRecoveryCode.count({ where: { staffUserId: member.staffUserId } })).toBe(0);
  });
});

describe("role boundaries", () => {
  it.each(["SUPPORT", "COMPLIANCE"] as StaffRole[])(
    "P5: %s cannot list, add, disable or reset staff members, nor see or revoke their sessions",
    async (role) => {
      const staff = await createStaffMember(app, { role });
      const target = await createStaffMember(app);
      const [session] = await app.services.db.staffSession.findMany({ where: { staffUserId: target.staffUserId } });
      const refusals = [
        await staff.client.request(operations.listMembers.query),
        await staff.client.request(operations.member(target.staffUserId).query, operations.member(target.staffUserId).variables),
        await staff.client.request(`{ staffViewer { sessions { id } } }`),
        await staff.client.request(mutations.create, {
          input: { email: `x-${Date.now()}@example.test`, displayName: "X", role: "ADMIN", password: "initial-password-1" },
        }),
        await staff.client.request(mutations.disable, idInput(target.staffUserId)),
        await staff.client.request(mutations.reset, idInput(target.staffUserId)),
        await staff.client.request(mutations.revoke, idInput(session?.id ?? "")),
      ];
      for (const refusal of refusals) expect(refusal.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
      // Nothing happened to the target.
      expect(await staffViewerOf(target.client)).toMatchObject({ id: target.staffUserId });
    },
  );

  it("P5: ADMIN may list members and their sessions", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const target = await createStaffMember(app);
    const { staffMembers } = await admin.client.data(operations.listMembers.query);
    expect(staffMembers.map((staff: { id: string }) => staff.id)).toContain(target.staffUserId);
    expect(await sessionsOf(admin.client, target.staffUserId)).toHaveLength(1);
  });

  it.each(["SUPPORT", "COMPLIANCE", "ADMIN"] as StaffRole[])(
    "the %s viewer's capabilities are their role's permissions",
    async (role) => {
      const staff = await createStaffMember(app, { role });
      expect((await staffViewerOf(staff.client))?.capabilities).toEqual(permissionsOf(role));
    },
  );
});
