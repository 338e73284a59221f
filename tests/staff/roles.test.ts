/**
 * Changing a staff member's role (ADMIN only): the change is audited with
 * both roles, the member's open sessions act with the new role from their
 * next request, an ADMIN never changes their own role, and the service never
 * loses its last active ADMIN, even when two admins act at once.
 */
import { randomUUID } from "node:crypto";
import {
  closedForEndedCredential,
  connectedSubscriptions,
  createStaffMember,
  staffViewerOf,
  startTestApp,
  type TestApp,
  type TestStaffMember,
} from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { permissionsOf } from "../../api/src/domain/staff/permissions.ts";
import { changeStaffRole, disableStaffMember } from "../../api/src/domain/staff/staff-members.ts";

let app: TestApp;
const sockets: Client[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

const changeRole = `mutation($input: ChangeStaffRoleInput!) {
  changeStaffRole(input: $input) { __typename ... on StaffMemberPayload { staff { id role } } ... on Error { code message } }
}`;
const enable = `mutation($input: StaffMemberIdInput!) {
  enableStaffMember(input: $input) { __typename ... on StaffMemberPayload { staff { id disabledAt } } ... on Error { code } }
}`;
const disable = `mutation($input: StaffMemberIdInput!) {
  disableStaffMember(input: $input) { __typename ... on StaffMemberPayload { staff { id disabledAt } } ... on Error { code } }
}`;

describe("an ADMIN changes a member's role", () => {
  it("P5: the member's open session acts with the new role from its next request, and its open socket closes", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const member = await createStaffMember(app, { role: "SUPPORT" });
    const { socket, closes } = await connectedSubscriptions(member.client);
    sockets.push(socket);
    const readAudit = () => member.client.request(`{ auditEntries(first: 1) { edges { cursor } } }`);
    expect((await readAudit()).errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");

    const { changeStaffRole } = await admin.client.data(changeRole, {
      input: { id: member.staffUserId, role: "COMPLIANCE" },
    });
    expect(changeStaffRole).toEqual({ __typename: "StaffMemberPayload", staff: { id: member.staffUserId, role: "COMPLIANCE" } });

    // Same cookie, no new sign-in: the role is read with the session on each request.
    expect((await staffViewerOf(member.client))?.capabilities).toEqual(permissionsOf("COMPLIANCE"));
    expect((await readAudit()).errors).toBeUndefined();
    // The socket was authorised under the old role: it closes, and the console reconnects under the new one.
    await closedForEndedCredential(closes);

    const entries = await app.services.db.auditEntry.findMany({
      where: { subjectId: member.staffUserId, action: "staff.role_changed" },
    });
    expect(entries).toMatchObject([
      { actorType: "STAFF", actorId: admin.staffUserId, details: { from: "SUPPORT", to: "COMPLIANCE" } },
    ]);
  });

  it("an ADMIN cannot change their own role", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    await createStaffMember(app, { role: "ADMIN" });
    const { changeStaffRole } = await admin.client.data(changeRole, { input: { id: admin.staffUserId, role: "SUPPORT" } });
    expect(changeStaffRole).toMatchObject({ __typename: "OwnRoleChangeError", code: "CANNOT_CHANGE_OWN_ROLE" });
    expect((await staffViewerOf(admin.client))?.capabilities).toEqual(permissionsOf("ADMIN"));
  });

  it("P5: SUPPORT and COMPLIANCE cannot change roles nor enable a member", async () => {
    const target = await createStaffMember(app, { role: "SUPPORT" });
    for (const role of ["SUPPORT", "COMPLIANCE"] as const) {
      const staff = await createStaffMember(app, { role });
      const refusals = [
        await staff.client.request(changeRole, { input: { id: target.staffUserId, role: "ADMIN" } }),
        await staff.client.request(enable, { input: { id: target.staffUserId } }),
      ];
      for (const refusal of refusals) expect(refusal.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    }
    expect((await staffViewerOf(target.client))?.capabilities).toEqual(permissionsOf("SUPPORT"));
  });

  it("a disabled member is enabled again and signs in afresh; both steps are audited", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const member = await createStaffMember(app, { role: "COMPLIANCE" });
    await admin.client.data(disable, { input: { id: member.staffUserId } });
    expect(await staffViewerOf(member.client)).toBeNull();

    const { enableStaffMember } = await admin.client.data(enable, { input: { id: member.staffUserId } });
    expect(enableStaffMember).toEqual({ __typename: "StaffMemberPayload", staff: { id: member.staffUserId, disabledAt: null } });
    // The sessions ended with the disabling stay ended; a new sign-in works.
    expect(await staffViewerOf(member.client)).toBeNull();
    expect(await staffViewerOf(await member.signIn())).toMatchObject({ id: member.staffUserId });
    const actions = await app.services.db.auditEntry.findMany({
      where: { subjectId: member.staffUserId },
      select: { action: true },
    });
    expect(actions.map((entry) => entry.action)).toEqual(expect.arrayContaining(["staff.disabled", "staff.enabled"]));
  });
});

describe("the last active ADMIN", () => {
  // A service of its own: no other test's administrators count here.
  let lone: TestApp;
  beforeAll(async () => {
    lone = await startTestApp();
  });
  afterAll(async () => {
    await lone?.close();
  });

  /** Disables every active ADMIN but `keep` (the demo one among them), acting as the first of `keep`. */
  async function onlyActiveAdmins(...keep: TestStaffMember[]) {
    const ids = keep.map((member) => member.staffUserId);
    const others = await lone.services.db.staffUser.findMany({ where: { role: "ADMIN", disabledAt: null, id: { notIn: ids } } });
    for (const admin of others) await keep[0]?.client.data(disable, { input: { id: admin.id } });
    expect(await lone.services.db.staffUser.count({ where: { role: "ADMIN", disabledAt: null } })).toBe(keep.length);
  }

  it("can be neither demoted nor disabled, even by an admin whose own demotion has just been committed", async () => {
    const first = await createStaffMember(lone, { role: "ADMIN" });
    const second = await createStaffMember(lone, { role: "ADMIN" });
    await onlyActiveAdmins(first, second);
    // `second` read its session (as ADMIN) before `first` demoted it: it still acts as an ADMIN in this request.
    const staleSecond: StaffActor = { kind: "staff", staffUserId: second.staffUserId, role: "ADMIN", sessionId: randomUUID() };
    const { changeStaffRole: demoted } = await first.client.data(changeRole, {
      input: { id: second.staffUserId, role: "SUPPORT" },
    });
    expect(demoted).toMatchObject({ staff: { role: "SUPPORT" } });

    await expect(changeStaffRole(lone.services, staleSecond, first.staffUserId, "COMPLIANCE")).rejects.toMatchObject({
      code: "LAST_ACTIVE_ADMIN",
      message: "This is the last active administrator. Make another member an administrator first.",
    });
    await expect(disableStaffMember(lone.services, staleSecond, first.staffUserId)).rejects.toMatchObject({
      code: "LAST_ACTIVE_ADMIN",
    });
    expect(await lone.services.db.staffUser.findUniqueOrThrow({ where: { id: first.staffUserId } })).toMatchObject({
      role: "ADMIN",
      disabledAt: null,
    });
  });

  it("survives two admins demoting each other at the same moment: one change wins, the other is refused", async () => {
    const one = await createStaffMember(lone, { role: "ADMIN" });
    const other = await createStaffMember(lone, { role: "ADMIN" });
    await onlyActiveAdmins(one, other);

    const answers = await Promise.all([
      one.client.request(changeRole, { input: { id: other.staffUserId, role: "SUPPORT" } }),
      other.client.request(changeRole, { input: { id: one.staffUserId, role: "SUPPORT" } }),
    ]);
    const outcomes = answers.map((answer) => answer.data?.changeStaffRole?.__typename ?? answer.errors?.[0]?.extensions?.code);
    expect(outcomes.filter((outcome) => outcome === "StaffMemberPayload")).toHaveLength(1);
    // The loser is refused either by the rule (its request read its role before the winner committed) or by its new role.
    expect(outcomes.filter((outcome) => outcome === "LastActiveAdminError" || outcome === "NOT_AUTHORIZED")).toHaveLength(1);
    expect(await lone.services.db.staffUser.count({ where: { role: "ADMIN", disabledAt: null } })).toBe(1);
  });
});
