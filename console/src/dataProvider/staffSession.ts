import { staffGraphql } from "./staffGraphql.ts";

export type StaffRole = "SUPPORT" | "COMPLIANCE" | "ADMIN";

export interface StaffMember {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
}

const STAFF_MEMBER_FIELDS = "id email displayName role";

type StaffSignInResult =
  | { __typename: "StaffSignInSuccess"; staff: StaffMember }
  | { __typename: string; message: string; code: string };

/** Signs in; on success the server sets the HttpOnly session cookie. */
export async function signIn(email: string, password: string): Promise<StaffMember> {
  const { staffSignIn } = await staffGraphql<{ staffSignIn: StaffSignInResult }>(
    // The input object is written inline so the client does not depend on its type's name.
    `mutation StaffSignIn($email: String!, $password: String!) {
      staffSignIn(input: { email: $email, password: $password }) {
        __typename
        ... on StaffSignInSuccess { staff { ${STAFF_MEMBER_FIELDS} } }
        ... on Error { message code }
      }
    }`,
    { email, password },
  );
  if ("staff" in staffSignIn) return staffSignIn.staff;
  // An Error result (e.g. INVALID_CREDENTIALS): its message is written for the person signing in.
  throw new Error(staffSignIn.message);
}

export async function signOut(): Promise<void> {
  await staffGraphql<{ staffSignOut: boolean }>("mutation StaffSignOut { staffSignOut }");
}

/** The signed-in staff member, or null when the session cookie is missing or expired. */
export async function viewer(signal?: AbortSignal): Promise<StaffMember | null> {
  const { staffViewer } = await staffGraphql<{ staffViewer: StaffMember | null }>(
    `query StaffViewer { staffViewer { ${STAFF_MEMBER_FIELDS} } }`,
    {},
    signal,
  );
  return staffViewer;
}
