import { graphql } from "../generated/gql.ts";
import { staffGraphql } from "./staffGraphql.ts";

export type StaffRole = "SUPPORT" | "COMPLIANCE" | "ADMIN";

export interface StaffMember {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  /** The permissions the role holds (the role table): the console shows only what they allow. */
  capabilities: string[];
}

graphql(`
  fragment SignedInStaffMember on StaffUser {
    id
    email
    displayName
    role
    capabilities
  }
`);

/** What a right password leads to: enrolling an authenticator, or entering its code. No session exists yet. */
export type SecondFactorStep =
  | { step: "ENROL_TOTP"; challengeToken: string; enrolment: { secret: string; otpauthUri: string; qrCode: string } }
  | { step: "ENTER_TOTP"; challengeToken: string; enrolment: null };

type ErrorResult = { __typename: string; message: string; code: string };

/** An Error result (wrong password, wrong code, locked): its message is written for the person signing in. */
function failed(result: ErrorResult): never {
  throw new Error(result.message);
}

/** First step: email and password. */
export async function signIn(email: string, password: string): Promise<SecondFactorStep> {
  const { staffSignIn } = await staffGraphql(
    // The input object is written inline so the client does not depend on its type's name.
    graphql(`mutation StaffSignIn($email: String!, $password: String!) {
      staffSignIn(input: { email: $email, password: $password }) {
        __typename
        ... on StaffSecondFactorRequired { step challengeToken enrolment { secret otpauthUri qrCode } }
        ... on Error { message code }
      }
    }`),
    { email, password },
  );
  // The API pairs ENROL_TOTP with an enrolment and ENTER_TOTP with none.
  return "challengeToken" in staffSignIn ? (staffSignIn as SecondFactorStep) : failed(staffSignIn);
}

/** First sign-in: confirms the new authenticator with its first code; the server sets the session cookie. Returns the recovery codes, shown once. */
export async function enrolTotp(challengeToken: string, code: string): Promise<string[]> {
  const { staffEnrolTotp } = await staffGraphql(
    graphql(`mutation StaffEnrolTotp($challengeToken: String!, $code: String!) {
      staffEnrolTotp(input: { challengeToken: $challengeToken, code: $code }) {
        __typename
        ... on StaffTotpEnrolled { recoveryCodes }
        ... on Error { message code }
      }
    }`),
    { challengeToken, code },
  );
  return "recoveryCodes" in staffEnrolTotp ? staffEnrolTotp.recoveryCodes : failed(staffEnrolTotp);
}

/** Second step: the authenticator's code or a recovery code; the server sets the session cookie. */
export async function verifyTotp(
  challengeToken: string,
  factor: { code: string } | { recoveryCode: string },
): Promise<StaffMember> {
  const { staffVerifyTotp } = await staffGraphql(
    graphql(`mutation StaffVerifyTotp($challengeToken: String!, $code: String, $recoveryCode: String) {
      staffVerifyTotp(input: { challengeToken: $challengeToken, code: $code, recoveryCode: $recoveryCode }) {
        __typename
        ... on StaffSignInSuccess { staff { ...SignedInStaffMember } }
        ... on Error { message code }
      }
    }`),
    { challengeToken, ...factor },
  );
  return "staff" in staffVerifyTotp ? staffVerifyTotp.staff : failed(staffVerifyTotp);
}

export async function signOut(): Promise<void> {
  await staffGraphql(graphql(`mutation StaffSignOut { staffSignOut }`), {});
}

/** The signed-in staff member, or null when the session cookie is missing or expired. */
export async function viewer(signal?: AbortSignal): Promise<StaffMember | null> {
  const { staffViewer } = await staffGraphql(graphql(`query StaffViewer { staffViewer { ...SignedInStaffMember } }`), {}, signal);
  return staffViewer;
}
