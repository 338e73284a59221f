/**
 * Staff members and their sessions (ADMIN): the `staff` resource lists, shows
 * and creates members, and `update` carries the actions on one (disable,
 * enable, reset the authenticator, change the role); the `staffSessions`
 * resource's `delete` revokes a session.
 */
import { HttpError } from "react-admin";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

const MEMBER_FIELDS = "id email displayName role createdAt disabledAt totpEnrolled lockedUntil";
const SESSION_FIELDS = "id createdAt lastSeenAt idleExpiresAt absoluteExpiresAt revokedAt live current";

interface StaffRecord {
  id: string;
  [field: string]: unknown;
}

type Payload<Key extends string, T> = { __typename: string; message?: string } & Partial<Record<Key, T>>;

/** A typed Error result becomes an HttpError carrying the server's message, which react-admin shows. */
function payloadOf<Key extends string, T>(result: Payload<Key, T>, key: Key): T {
  const value = result[key];
  if (value === undefined) throw new HttpError(result.message ?? "The staff API refused this.", 400, result);
  return value as T;
}

const compare = (field: string, order: string) => (a: StaffRecord, b: StaffRecord) => {
  const [left, right] = [String(a[field] ?? ""), String(b[field] ?? "")];
  return (order === "DESC" ? -1 : 1) * left.localeCompare(right);
};

export type StaffAction = "disable" | "enable" | "resetTotp" | "changeRole";

const actionMutations: Record<StaffAction, string> = {
  enable: `mutation EnableStaffMember($id: ID!) {
    enableStaffMember(input: { id: $id }) { __typename ... on StaffMemberPayload { staff { ${MEMBER_FIELDS} } } ... on Error { message } }
  }`,
  changeRole: `mutation ChangeStaffRole($id: ID!, $role: StaffRole!) {
    changeStaffRole(input: { id: $id, role: $role }) { __typename ... on StaffMemberPayload { staff { ${MEMBER_FIELDS} } } ... on Error { message } }
  }`,
  disable: `mutation DisableStaffMember($id: ID!) {
    disableStaffMember(input: { id: $id }) { __typename ... on StaffMemberPayload { staff { ${MEMBER_FIELDS} } } ... on Error { message } }
  }`,
  resetTotp: `mutation ResetStaffTotp($id: ID!) {
    resetStaffTotp(input: { id: $id }) { __typename ... on StaffMemberPayload { staff { ${MEMBER_FIELDS} } } ... on Error { message } }
  }`,
};

export const staffQueries: ResourceQueries = {
  // The list is short (the company's staff): sorted and paged here rather than on the server.
  async getList(_resource, { pagination, sort, signal }) {
    const { staffMembers } = await staffGraphql<{ staffMembers: StaffRecord[] }>(
      `query StaffMembers { staffMembers { ${MEMBER_FIELDS} } }`,
      {},
      signal,
    );
    const sorted = sort?.field ? [...staffMembers].sort(compare(sort.field, sort.order)) : staffMembers;
    const { page = 1, perPage = 25 } = pagination ?? {};
    return { data: sorted.slice((page - 1) * perPage, page * perPage) as never[], total: sorted.length };
  },

  async getOne(_resource, { id, signal }) {
    const { staffMember } = await staffGraphql<{ staffMember: StaffRecord | null }>(
      `query StaffMember($id: ID!) { staffMember(id: $id) { ${MEMBER_FIELDS} sessions { ${SESSION_FIELDS} } } }`,
      { id },
      signal,
    );
    if (!staffMember) throw new HttpError("This staff member was not found.", 404);
    return { data: staffMember as never };
  },

  async create(_resource, { data }) {
    const { email, displayName, role, password } = data as Record<string, string>;
    const { createStaffMember } = await staffGraphql<{ createStaffMember: Payload<"staff", StaffRecord> }>(
      `mutation CreateStaffMember($input: CreateStaffMemberInput!) {
        createStaffMember(input: $input) { __typename ... on StaffMemberPayload { staff { ${MEMBER_FIELDS} } } ... on Error { message } }
      }`,
      { input: { email, displayName, role, password } },
    );
    return { data: payloadOf(createStaffMember, "staff") as never };
  },

  /** `data.action` names the step: the API has no free-form edit of a staff member. */
  async update(_resource, { id, data }) {
    const { action, role } = data as { action?: StaffAction; role?: string };
    if (!action || !(action in actionMutations)) throw new HttpError("Unknown action on a staff member.", 400);
    const result = await staffGraphql<Record<string, Payload<"staff", StaffRecord>>>(
      actionMutations[action],
      action === "changeRole" ? { id, role } : { id },
    );
    const [payload] = Object.values(result);
    if (!payload) throw new HttpError("The staff API gave no answer.", 500);
    return { data: payloadOf(payload, "staff") as never };
  },
};

export const staffSessionQueries: ResourceQueries = {
  async delete(_resource, { id }) {
    const { revokeStaffSession } = await staffGraphql<{ revokeStaffSession: Payload<"session", StaffRecord> }>(
      `mutation RevokeStaffSession($id: ID!) {
        revokeStaffSession(input: { id: $id }) { __typename ... on RevokeStaffSessionPayload { session { ${SESSION_FIELDS} } } ... on Error { message } }
      }`,
      { id },
    );
    return { data: payloadOf(revokeStaffSession, "session") as never };
  },
};
