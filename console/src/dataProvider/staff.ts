/**
 * Staff members and their sessions (ADMIN): the `staff` resource lists, shows
 * and creates members, and `update` carries the actions on one (disable,
 * enable, reset the authenticator, change the role); the `staffSessions`
 * resource's `delete` revokes a session.
 */
import { HttpError } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type { StaffRole } from "../generated/graphql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

graphql(`
  fragment StaffMemberFields on StaffUser {
    id email displayName role createdAt disabledAt totpEnrolled lockedUntil
  }
`);
graphql(`
  fragment StaffSessionFields on StaffSession {
    id createdAt lastSeenAt idleExpiresAt absoluteExpiresAt revokedAt live current
  }
`);

interface StaffRecord {
  id: string;
  [field: string]: unknown;
}

/** A typed Error result becomes an HttpError carrying the server's message, which react-admin shows. */
function payloadOf<Result extends { __typename: string }, Key extends string>(
  result: Result,
  key: Key,
): Extract<Result, Record<Key, unknown>>[Key] {
  if (!(key in result)) {
    const message = "message" in result && typeof result.message === "string" ? result.message : null;
    throw new HttpError(message ?? "The staff API refused this.", 400, result);
  }
  return (result as Extract<Result, Record<Key, unknown>>)[key];
}

const compare = (field: string, order: string) => (a: StaffRecord, b: StaffRecord) => {
  const [left, right] = [String(a[field] ?? ""), String(b[field] ?? "")];
  return (order === "DESC" ? -1 : 1) * left.localeCompare(right);
};

export type StaffAction = "disable" | "enable" | "resetTotp" | "changeRole";

const actionMutations = {
  enable: graphql(`mutation EnableStaffMember($id: ID!) {
    enableStaffMember(input: { id: $id }) { __typename ... on StaffMemberPayload { staff { ...StaffMemberFields } } ... on Error { message } }
  }`),
  changeRole: graphql(`mutation ChangeStaffRole($id: ID!, $role: StaffRole!) {
    changeStaffRole(input: { id: $id, role: $role }) { __typename ... on StaffMemberPayload { staff { ...StaffMemberFields } } ... on Error { message } }
  }`),
  disable: graphql(`mutation DisableStaffMember($id: ID!) {
    disableStaffMember(input: { id: $id }) { __typename ... on StaffMemberPayload { staff { ...StaffMemberFields } } ... on Error { message } }
  }`),
  resetTotp: graphql(`mutation ResetStaffTotp($id: ID!) {
    resetStaffTotp(input: { id: $id }) { __typename ... on StaffMemberPayload { staff { ...StaffMemberFields } } ... on Error { message } }
  }`),
};

/** Runs one action on a member, each through its own typed operation. */
async function runAction(action: StaffAction, id: string, role: string | undefined) {
  switch (action) {
    case "enable":
      return (await staffGraphql(actionMutations.enable, { id })).enableStaffMember;
    case "changeRole":
      if (!role) throw new HttpError("Choose the member's new role.", 400);
      return (await staffGraphql(actionMutations.changeRole, { id, role: role as StaffRole })).changeStaffRole;
    case "disable":
      return (await staffGraphql(actionMutations.disable, { id })).disableStaffMember;
    case "resetTotp":
      return (await staffGraphql(actionMutations.resetTotp, { id })).resetStaffTotp;
  }
}

export const staffQueries: ResourceQueries = {
  // The list is short (the company's staff): sorted and paged here rather than on the server.
  async getList(_resource, { pagination, sort, signal }) {
    const { staffMembers } = await staffGraphql(
      graphql(`query StaffMembers { staffMembers { ...StaffMemberFields } }`),
      {},
      signal,
    );
    const sorted = sort?.field ? [...staffMembers].sort(compare(sort.field, sort.order)) : staffMembers;
    const { page = 1, perPage = 25 } = pagination ?? {};
    return { data: sorted.slice((page - 1) * perPage, page * perPage) as never[], total: sorted.length };
  },

  async getOne(_resource, { id, signal }) {
    const { staffMember } = await staffGraphql(
      graphql(`query StaffMember($id: ID!) { staffMember(id: $id) { ...StaffMemberFields sessions { ...StaffSessionFields } } }`),
      { id },
      signal,
    );
    if (!staffMember) throw new HttpError("This staff member was not found.", 404);
    return { data: staffMember as never };
  },

  async create(_resource, { data }) {
    const { email, displayName, role, password } = data as {
      email: string;
      displayName: string;
      role: StaffRole;
      password: string;
    };
    const { createStaffMember } = await staffGraphql(
      graphql(`mutation CreateStaffMember($input: CreateStaffMemberInput!) {
        createStaffMember(input: $input) { __typename ... on StaffMemberPayload { staff { ...StaffMemberFields } } ... on Error { message } }
      }`),
      { input: { email, displayName, role, password } },
    );
    return { data: payloadOf(createStaffMember, "staff") as never };
  },

  /** `data.action` names the step: the API has no free-form edit of a staff member. */
  async update(_resource, { id, data }) {
    const { action, role } = data as { action?: StaffAction; role?: string };
    if (!action || !(action in actionMutations)) throw new HttpError("Unknown action on a staff member.", 400);
    const payload = await runAction(action, String(id), role);
    return { data: payloadOf(payload, "staff") as never };
  },
};

export const staffSessionQueries: ResourceQueries = {
  async delete(_resource, { id }) {
    const { revokeStaffSession } = await staffGraphql(
      graphql(`mutation RevokeStaffSession($id: ID!) {
        revokeStaffSession(input: { id: $id }) { __typename ... on RevokeStaffSessionPayload { session { ...StaffSessionFields } } ... on Error { message } }
      }`),
      { id },
    );
    return { data: payloadOf(revokeStaffSession, "session") as never };
  },
};
