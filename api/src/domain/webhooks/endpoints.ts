/**
 * A customer's webhook endpoints: HTTPS addresses that receive the events of
 * the account's own activations (events.ts), signed with a secret of the
 * endpoint's own. The secret is shown once, at creation and at each rotation,
 * and stored encrypted (P20), since signing needs it back. Only the owning
 * account sees, rotates or deletes an endpoint: another account's id reads as
 * an unknown one. Creating, rotating and deleting are audited (ids only).
 */
import { randomBytes } from "node:crypto";
import type { Prisma, WebhookEndpoint } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { parseInput } from "../accounts/validation.ts";
import type { AccountActor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { sealColumn } from "../crypto/encrypted-columns.ts";
import { ConflictError, DomainError, NotFoundError } from "../errors.ts";
import { isUuid, newRecordId } from "../ids.ts";
import { checkHost, hostOf } from "./addresses.ts";
import { type WebhookEventType, webhookEventTypes } from "./events.ts";

/** Endpoints one account may have. */
export const maxEndpointsPerAccount = 5;
export const maxUrlLength = 2048;
const secretPrefix = "whsec";

/** The address is not one we deliver to: not a URL, not HTTPS, or carrying credentials. */
export class InvalidWebhookUrlError extends DomainError {
  readonly code = "INVALID_WEBHOOK_URL";
}

/** The address is, or resolves to, a private, loopback, link-local or other non-public address. */
export class WebhookAddressForbiddenError extends DomainError {
  readonly code = "WEBHOOK_ADDRESS_FORBIDDEN";
  constructor() {
    super(
      "The endpoint's address is, or resolves to, a private, loopback, link-local or otherwise non-public address; use a public HTTPS address.",
    );
  }
}

/** The host name does not resolve. */
export class WebhookHostUnresolvableError extends DomainError {
  readonly code = "WEBHOOK_HOST_UNRESOLVABLE";
  constructor() {
    super("The endpoint's host name does not resolve to an address; check the spelling.");
  }
}

const createEndpointInput = z.object({
  url: z.string(),
  events: z
    .array(z.enum(webhookEventTypes, { error: `must be one of ${webhookEventTypes.join(", ")}` }))
    .min(1, { error: `choose at least one of ${webhookEventTypes.join(", ")}` }),
  includeMessageContent: z.boolean().nullish(),
});

function newEndpointSecret(): string {
  return `${secretPrefix}_${randomBytes(32).toString("base64url")}`;
}

/**
 * The URL as we will call it, or why not. HTTPS only in production; no user
 * name or password in it (they would sit in logs and in our database as a
 * credential); no fragment (it never reaches the server).
 */
export function parseEndpointUrl(services: Services, raw: string): URL {
  const text = raw.trim();
  if (text.length === 0) throw new InvalidWebhookUrlError("Give the endpoint's address, e.g. https://example.com/hooks/sms.");
  if (text.length > maxUrlLength) throw new InvalidWebhookUrlError(`The address is longer than ${maxUrlLength} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidWebhookUrlError("The address is not a URL; write it in full, e.g. https://example.com/hooks/sms.");
  }
  const https = services.config.customerWebhooks.httpsOnly;
  if (url.protocol !== "https:" && (https || url.protocol !== "http:")) {
    throw new InvalidWebhookUrlError(
      https ? "The address must start with https://." : "The address must use https:// (or http:// outside production).",
    );
  }
  if (url.username || url.password)
    throw new InvalidWebhookUrlError("The address must not carry a user name or password; the signature authenticates us.");
  if (url.hash) throw new InvalidWebhookUrlError("The address must not have a fragment (#…).");
  if (!url.hostname) throw new InvalidWebhookUrlError("The address has no host.");
  return url;
}

/** Refuses an address that is, or resolves to, one we never deliver to (addresses.ts). */
async function assertDeliverableHost(services: Services, url: URL): Promise<void> {
  const check = await checkHost(hostOf(url), { allowPrivate: services.config.customerWebhooks.allowPrivateAddresses });
  if (!check.ok) throw check.reason === "forbidden" ? new WebhookAddressForbiddenError() : new WebhookHostUnresolvableError();
}

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  /** Shown this once. */
  secret: string;
}

export async function createWebhookEndpoint(
  services: Services,
  actor: AccountActor,
  rawInput: z.input<typeof createEndpointInput>,
): Promise<EndpointWithSecret> {
  const input = parseInput(createEndpointInput, rawInput);
  const url = parseEndpointUrl(services, input.url);
  // Resolved before the transaction: a slow DNS answer must not hold it open.
  await assertDeliverableHost(services, url);
  const events = webhookEventTypes.filter((type) => input.events.includes(type));
  const includeMessageContent = input.includeMessageContent ?? false;
  const secret = newEndpointSecret();
  const id = newRecordId();
  const now = services.now();
  const endpoint = await services.db.$transaction(async (tx) => {
    // The account row is locked so two creations at once cannot both pass the count.
    await tx.$queryRaw`SELECT "id" FROM "Account" WHERE "id" = ${actor.accountId}::uuid FOR UPDATE`;
    const count = await tx.webhookEndpoint.count({ where: { accountId: actor.accountId } });
    if (count >= maxEndpointsPerAccount) {
      throw new ConflictError(
        "WEBHOOK_ENDPOINT_LIMIT",
        `An account can have at most ${maxEndpointsPerAccount} webhook endpoints; delete one first.`,
      );
    }
    const created = await tx.webhookEndpoint.create({
      data: {
        id,
        accountId: actor.accountId,
        url: url.href,
        events,
        includeMessageContent,
        secretCiphertext: sealColumn(services.config.encryption, "webhookSecret", id, secret),
        createdAt: now,
      },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "webhook_endpoint.created",
        subjectType: "WebhookEndpoint",
        subjectId: id,
        details: { events, includeMessageContent },
      },
      now,
    );
    return created;
  });
  services.logger.info({ accountId: actor.accountId, webhookEndpointId: id }, "webhook endpoint created");
  return { endpoint, secret };
}

/** The account's endpoint, locked for the change, or NotFound (another account's id included). */
async function lockOwnEndpoint(tx: Prisma.TransactionClient, actor: AccountActor, endpointId: string): Promise<WebhookEndpoint> {
  const found = isUuid(endpointId)
    ? await tx.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "WebhookEndpoint" WHERE "id" = ${endpointId}::uuid AND "accountId" = ${actor.accountId}::uuid FOR UPDATE`
    : [];
  if (found.length === 0) throw new NotFoundError("The webhook endpoint");
  return tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
}

/** A new secret for the endpoint, shown this once; the old one stops signing at once. */
export async function rotateWebhookSecret(
  services: Services,
  actor: AccountActor,
  endpointId: string,
): Promise<EndpointWithSecret> {
  const secret = newEndpointSecret();
  const now = services.now();
  const endpoint = await services.db.$transaction(async (tx) => {
    const current = await lockOwnEndpoint(tx, actor, endpointId);
    const rotated = await tx.webhookEndpoint.update({
      where: { id: current.id },
      data: {
        secretCiphertext: sealColumn(services.config.encryption, "webhookSecret", current.id, secret),
        secretRotatedAt: now,
      },
    });
    await appendAuditEntry(
      tx,
      actor,
      { action: "webhook_endpoint.secret_rotated", subjectType: "WebhookEndpoint", subjectId: current.id, details: {} },
      now,
    );
    return rotated;
  });
  services.logger.info({ accountId: actor.accountId, webhookEndpointId: endpoint.id }, "webhook secret rotated");
  return { endpoint, secret };
}

/** Deletes the endpoint with its secret and its delivery records; deliveries still pending are dropped. */
export async function deleteWebhookEndpoint(
  services: Services,
  actor: AccountActor,
  endpointId: string,
): Promise<WebhookEndpoint> {
  const now = services.now();
  const endpoint = await services.db.$transaction(async (tx) => {
    const current = await lockOwnEndpoint(tx, actor, endpointId);
    const { count } = await tx.webhookDelivery.deleteMany({ where: { endpointId: current.id } });
    await tx.webhookEndpoint.delete({ where: { id: current.id } });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "webhook_endpoint.deleted",
        subjectType: "WebhookEndpoint",
        subjectId: current.id,
        details: { deliveries: count },
      },
      now,
    );
    return current;
  });
  services.logger.info({ accountId: actor.accountId, webhookEndpointId: endpoint.id }, "webhook endpoint deleted");
  return endpoint;
}

/** The account's endpoints, oldest first. `query` carries the caller's selection (deliveries included). */
export function findOwnWebhookEndpoints(
  services: Services,
  actor: AccountActor,
  query: Omit<Prisma.WebhookEndpointFindManyArgs, "where" | "orderBy"> = {},
): Promise<WebhookEndpoint[]> {
  return services.db.webhookEndpoint.findMany({
    ...query,
    where: { accountId: actor.accountId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

/** How many recent deliveries an endpoint's listing shows at most. */
export const recentDeliveriesLimit = 50;

export type { WebhookEventType };
