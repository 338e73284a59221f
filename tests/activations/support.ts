/**
 * Small sentences for activation, ledger and payment tests: order a number,
 * read the balance, deliver an SMS through the signed operator webhook.
 */
import { randomUUID } from "node:crypto";
import type { GraphqlClient, TestApp } from "@smsape/api/testing";
import { signWebhook } from "../../api/src/http/signed-webhook.ts";

export const activationFields = `id serviceCode countryCode phoneNumber priceMinor currency status createdAt expiresAt cancelableAt endedAt
  statusHistory { fromStatus toStatus reason at }`;

const payloadFields = `activation { ${activationFields} } balance { availableMinor heldMinor currency }`;
const errorFields = `... on Error { code message }`;

export async function order(client: GraphqlClient, input: Record<string, unknown>) {
  const { orderNumber } = await client.data(
    `mutation($input: OrderNumberInput!) { orderNumber(input: $input) { __typename
      ... on OrderNumberPayload { ${payloadFields} }
      ${errorFields}
      ... on InsufficientBalanceError { requiredMinor availableMinor }
      ... on PriceAboveMaximumError { priceMinor maxPriceMinor } } }`,
    { input },
  );
  return orderNumber;
}

export async function step(
  client: GraphqlClient,
  mutation: "requestAnotherSms" | "finishActivation" | "cancelActivation",
  id: string,
) {
  const result = await client.data(
    `mutation($id: ID!) { ${mutation}(id: $id) { __typename
      ... on Error { code message }
      ${mutation === "cancelActivation" ? "... on CancelLockedError { unlocksAt }" : ""}
      ... on ActivationStatusError { status }
      ${mutation === "requestAnotherSms" ? "... on RequestAnotherSmsPayload" : mutation === "finishActivation" ? "... on FinishActivationPayload" : "... on CancelActivationPayload"} { ${payloadFields} } } }`,
    { id },
  );
  return result[mutation];
}

export async function balance(client: GraphqlClient) {
  const { balance } = await client.data(`{ balance { availableMinor heldMinor currency } }`);
  return balance as { availableMinor: number; heldMinor: number; currency: string };
}

export async function activation(client: GraphqlClient, id: string) {
  const { activation } = await client.data(`query($id: ID!) { activation(id: $id) { ${activationFields} } }`, { id });
  return activation;
}

/** Delivers an SMS to a number the way the upstream operator does: a signed webhook over HTTP. */
export async function deliverSms(app: TestApp, to: string, text = "Your code is 482913") {
  const body = JSON.stringify({ messageId: `op-${randomUUID()}`, to, text });
  const timestamp = Math.floor(app.services.now().getTime() / 1000);
  const response = await fetch(`${app.url}/webhooks/sms`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-signature": signWebhook(app.services.config.webhooks.smsSecret, body, timestamp),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { status?: string } };
}

export const minutes = (count: number) => count * 60_000;
