/**
 * The customer API as a client app calls it, for tests whose subject is the
 * API itself: each returns the field's result as the client sees it, typed
 * errors included. (To build data a test only needs, use the factories.)
 */
import { latestPolicyVersion } from "../seed/reference.ts";
import { newEmail, newPassword } from "./factories.ts";
import { GraphqlClient } from "./graphql-client.ts";
import type { TestApp } from "./index.ts";

// ---------------------------------------------------------------- accounts

export const signUpMutation = `mutation($input: SignUpInput!) {
  signUp(input: $input) { __typename ... on SignUpPayload { email } ... on Error { code message } ... on ValidationError { issues { field message } } }
}`;

export const signInMutation = `mutation($input: SignInInput!) {
  signIn(input: $input) { __typename ... on SignInPayload { token idleExpiresAt absoluteExpiresAt account { id email } } ... on Error { code message } }
}`;

export const viewerQuery = `{ viewer { id email emailVerified jurisdiction policyAcknowledgementRequired acknowledgedPolicyVersion } }`;

/** `signUp` with a fresh address and password, accepting the policy version this release ships, unless `input` says otherwise. */
export async function signUp(
  app: TestApp,
  input: Partial<{
    email: string;
    password: string;
    ageAttestation: boolean;
    acceptPolicyVersion: string;
    jurisdiction: string;
  }> = {},
) {
  const client = new GraphqlClient(app.url);
  const email = input.email ?? newEmail();
  const password = input.password ?? newPassword();
  const { signUp: result } = await client.data(signUpMutation, {
    input: { email, password, ageAttestation: true, acceptPolicyVersion: latestPolicyVersion, ...input },
  });
  return { email: email.trim().toLowerCase(), password, result };
}

/** `verifyEmail` with the token from the newest verification email to `email`. */
export async function verifyEmail(app: TestApp, email: string) {
  const token = await app.mailbox.token(email, /Confirm your email/, "ver");
  const client = new GraphqlClient(app.url);
  return (
    await client.data(`mutation($t: String!) { verifyEmail(input: { token: $t }) { __typename ... on Error { code } } }`, {
      t: token,
    })
  ).verifyEmail;
}

/** `signIn` with a fresh client; returns that client (holding the session cookie), one sending the token as a bearer, and the token. */
export async function signIn(app: TestApp, email: string, password: string) {
  const client = new GraphqlClient(app.url);
  const { signIn: result } = await client.data(signInMutation, { input: { email, password } });
  if (result.__typename !== "SignInPayload") throw new Error(`sign-in failed: ${result.code}`);
  const bearer = new GraphqlClient(app.url);
  bearer.bearer = result.token;
  return {
    cookieClient: client,
    bearerClient: bearer,
    token: result.token as string,
    account: result.account as { id: string; email: string },
  };
}

// ---------------------------------------------------------------- activations and the balance

export const activationFields = `id serviceCode countryCode phoneNumber priceMinor currency status createdAt expiresAt cancelableAt endedAt
  statusHistory { fromStatus toStatus reason at }`;

const payloadFields = `activation { ${activationFields} } balance { availableMinor heldMinor currency }`;

/** `orderNumber`: the payload (activation and balance) or the typed error. */
export async function order(client: GraphqlClient, input: Record<string, unknown>) {
  const { orderNumber } = await client.data(
    `mutation($input: OrderNumberInput!) { orderNumber(input: $input) { __typename
      ... on OrderNumberPayload { ${payloadFields} }
      ... on Error { code message }
      ... on InsufficientBalanceError { requiredMinor availableMinor }
      ... on PriceAboveMaximumError { priceMinor maxPriceMinor } } }`,
    { input },
  );
  return orderNumber;
}

/** One step of an activation's life: the payload (activation and balance) or the typed error. */
export async function step(
  client: GraphqlClient,
  mutation: "requestAnotherSms" | "finishActivation" | "cancelActivation",
  id: string,
) {
  const payload = {
    requestAnotherSms: "RequestAnotherSms",
    finishActivation: "FinishActivation",
    cancelActivation: "CancelActivation",
  };
  const result = await client.data(
    `mutation($id: ID!) { ${mutation}(id: $id) { __typename
      ... on Error { code message }
      ${mutation === "cancelActivation" ? "... on CancelLockedError { unlocksAt }" : ""}
      ... on ActivationStatusError { status }
      ... on ${payload[mutation]}Payload { ${payloadFields} } } }`,
    { id },
  );
  return result[mutation];
}

export async function balance(client: GraphqlClient) {
  const { balance } = await client.data(`{ balance { availableMinor heldMinor currency } }`);
  return balance as { availableMinor: number; heldMinor: number; currency: string };
}

/** `activation(id)`: null for an id that is not the client's. */
export async function activation(client: GraphqlClient, id: string) {
  const { activation } = await client.data(`query($id: ID!) { activation(id: $id) { ${activationFields} } }`, { id });
  return activation;
}
