/**
 * The staff API's sign-in as sentences for tests: each returns the mutation's
 * result as the API answers it (a success type or an Error with its code).
 */
import type { GraphqlClient } from "./graphql-client.ts";

export interface StaffSignInAnswer {
  __typename: string;
  code?: string;
  lockedUntil?: string;
  step?: "ENROL_TOTP" | "ENTER_TOTP";
  challengeToken?: string;
  expiresAt?: string;
  enrolment?: { secret: string; otpauthUri: string; qrCode: string } | null;
}

/** First step: email and password. */
export async function staffSignIn(client: GraphqlClient, email: string, password: string): Promise<StaffSignInAnswer> {
  const { staffSignIn } = await client.data(
    `mutation($input: StaffSignInInput!) {
      staffSignIn(input: $input) {
        __typename
        ... on StaffSecondFactorRequired { step challengeToken expiresAt enrolment { secret otpauthUri qrCode } }
        ... on StaffLockedError { lockedUntil }
        ... on Error { code }
      }
    }`,
    { input: { email, password } },
  );
  return staffSignIn;
}

/** Second step at first sign-in: the first code of the new secret. */
export async function staffEnrolTotp(
  client: GraphqlClient,
  challengeToken: string,
  code: string,
): Promise<{ __typename: string; code?: string; recoveryCodes?: string[]; lockedUntil?: string }> {
  const { staffEnrolTotp } = await client.data(
    `mutation($input: StaffEnrolTotpInput!) {
      staffEnrolTotp(input: $input) {
        __typename
        ... on StaffTotpEnrolled { recoveryCodes }
        ... on StaffLockedError { lockedUntil }
        ... on Error { code }
      }
    }`,
    { input: { challengeToken, code } },
  );
  return staffEnrolTotp;
}

/** Second step: the authenticator's code, or a recovery code. */
export async function staffVerifyTotp(
  client: GraphqlClient,
  challengeToken: string,
  factor: { code: string } | { recoveryCode: string },
): Promise<{ __typename: string; code?: string; lockedUntil?: string }> {
  const { staffVerifyTotp } = await client.data(
    `mutation($input: StaffVerifyTotpInput!) {
      staffVerifyTotp(input: $input) {
        __typename
        ... on StaffLockedError { lockedUntil }
        ... on Error { code }
      }
    }`,
    { input: { challengeToken, ...factor } },
  );
  return staffVerifyTotp;
}

/** Who the staff API says is signed in on this client, or null. */
export async function staffViewerOf(
  client: GraphqlClient,
): Promise<{ id: string; email: string; capabilities: string[] } | null> {
  return (await client.data(`{ staffViewer { id email capabilities } }`)).staffViewer;
}
