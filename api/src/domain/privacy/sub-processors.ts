/**
 * The sub-processor register (P13, policy section 5): each vendor the
 * service relies on, what it receives, why, where and since when, and how the
 * code reaches it. The code opens connections only to its own database and
 * Redis and to the destinations named here (a test watches every outbound
 * connection of a full customer journey); each adapter sends only the fields
 * its entry lists. The one destination no setting names is a customer's own
 * webhook endpoint, listed with what an event carries.
 */
import type { PrismaClient } from "@smsape/db";
import type { Config } from "../../config.ts";
import type { DataCategory } from "./inventory.ts";

export type SubProcessorDirection =
  /** In front of the service: every request passes through it before reaching the code. */
  | "IN_FRONT"
  /** It calls the service (signed webhooks); the service never calls it. */
  | "INBOUND"
  /** The service connects to it. */
  | "OUTBOUND"
  /**
   * The service connects to an address the customer registered for its own
   * events: the customer is the recipient, at its own instruction, not a vendor.
   */
  | "CUSTOMER_ENDPOINT";

/**
 * Where what it receives may be processed outside the EEA (GDPR Art. 30(1)(e)):
 * wherever the vendor processes it (its `location`), or in the country of
 * the number the customer ordered (the catalogue's countries outside the EEA).
 */
export interface SubProcessorTransfer {
  to: "vendor-locations" | "number-countries";
  /** The safeguard the transfer rests on (GDPR Art. 46 or 49). */
  safeguard: string;
}

export interface SubProcessor {
  key: string;
  name: string;
  purpose: string;
  /** What it receives from or about customers: field names and categories, never values. */
  receives: readonly string[];
  /** What it must never see. */
  neverReceives: readonly string[];
  /** The data inventory's categories of what it receives: the records of processing list it as their recipient. */
  categories: readonly DataCategory[];
  direction: SubProcessorDirection;
  location: string;
  /** The policy version since which the register lists it. */
  since: string;
  /** For OUTBOUND entries: the setting that names the one destination the code connects to. */
  destinationSetting: string | null;
  /** Null when what it receives stays in the EEA. */
  transfer: SubProcessorTransfer | null;
}

const vendorContractClauses = "standard contractual clauses in the vendor's data processing agreement (GDPR Art. 46(2)(c))";

export const subProcessors = [
  {
    key: "edge-network",
    name: "Edge network (DDoS protection, TLS, static assets)",
    purpose: "absorbs attack traffic and routes requests to the service",
    receives: ["IP address", "request headers", "timestamps"],
    neverReceives: ["SMS contents", "account credentials"],
    categories: ["technical"],
    direction: "IN_FRONT",
    location: "the vendor's global edge, as its data processing agreement states",
    since: "2026-03-20",
    destinationSetting: null,
    transfer: { to: "vendor-locations", safeguard: vendorContractClauses },
  },
  {
    key: "payment-processors",
    name: "Payment processors (crypto and digital payments)",
    purpose: "take the payment of each top-up and tell the service it arrived",
    receives: ["the account id as the payment reference", "the amount and currency"],
    neverReceives: ["SMS contents", "account credentials"],
    categories: ["payment"],
    direction: "INBOUND",
    location: "the processor's own, under its PCI and privacy obligations",
    since: "2026-03-20",
    destinationSetting: null,
    transfer: {
      to: "vendor-locations",
      safeguard: "the processor's own privacy policy and obligations, which govern the transaction data (policy section 5)",
    },
  },
  {
    key: "email-relay",
    name: "Transactional email vendor (SMTP relay)",
    purpose: "relays account verifications, security alerts and password resets to the customer's inbox",
    receives: ["recipient address", "subject", "message body"],
    neverReceives: ["account id", "SMS contents", "payment data"],
    // The body of an email is message content in the inventory (OutboxEmail.bodyCiphertext).
    categories: ["contact", "message-content"],
    direction: "OUTBOUND",
    location: "the relay configured in SMTP_URL, under the vendor's data processing agreement",
    since: "2026-03-20",
    destinationSetting: "SMTP_URL",
    transfer: { to: "vendor-locations", safeguard: vendorContractClauses },
  },
  {
    key: "upstream-sms-operators",
    name: "Upstream SMS operators",
    purpose: "own the virtual numbers and forward the SMS they receive for them",
    receives: ["the virtual number", "the SMS it received (they deliver it to us)"],
    neverReceives: ["the customer's identity or address", "payment data"],
    categories: ["activation", "message-content"],
    direction: "INBOUND",
    location: "the operator's network in the number's country",
    since: "2026-03-20",
    destinationSetting: null,
    transfer: {
      to: "number-countries",
      safeguard: "necessary to give the customer the number they chose in that country and its SMS (GDPR Art. 49(1)(b))",
    },
  },
  {
    key: "customer-webhook-endpoints",
    name: "The customer's own webhook endpoints",
    purpose:
      "receive the events of the customer's own activations at the addresses the customer registered; the customer is the recipient, at its own instruction",
    receives: [
      "the event's id, type and time",
      "the activation's id, service, country and status",
      "the SMS's id and arrival time",
      "the SMS text and code, only at endpoints the customer opted in",
    ],
    neverReceives: ["the phone number", "the account's email or credentials", "payment data", "any other account's data"],
    categories: ["activation", "message-content"],
    direction: "CUSTOMER_ENDPOINT",
    location: "wherever the customer hosts its endpoint",
    since: "2026-03-20",
    destinationSetting: null,
    transfer: {
      to: "vendor-locations",
      safeguard: "sent at the customer's own request to the customer's own endpoint (GDPR Art. 49(1)(b))",
    },
  },
] as const satisfies readonly SubProcessor[];

export type SubProcessorKey = (typeof subProcessors)[number]["key"];

/** The outbound destinations the configuration names, each with the register entry it belongs to. */
export function registeredDestinations(config: Config): Array<{ subProcessor: SubProcessorKey; url: URL }> {
  const configured: Record<string, string | null> = { SMTP_URL: config.mail.smtpUrl };
  return subProcessors.flatMap((entry) => {
    const value = entry.destinationSetting ? configured[entry.destinationSetting] : null;
    return value ? [{ subProcessor: entry.key, url: new URL(value) }] : [];
  });
}

/** The endpoints customers registered (their own webhook receivers): outbound destinations no setting names. */
export async function customerEndpointDestinations(
  db: Pick<PrismaClient, "webhookEndpoint">,
): Promise<Array<{ subProcessor: SubProcessorKey; url: URL }>> {
  const endpoints = await db.webhookEndpoint.findMany({ select: { url: true } });
  return endpoints.map((endpoint) => ({ subProcessor: "customer-webhook-endpoints", url: new URL(endpoint.url) }));
}
