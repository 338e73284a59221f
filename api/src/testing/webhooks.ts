/**
 * The senders of our webhooks, as tests play them: the payment processor and
 * the upstream SMS operator both POST a JSON body signed with HMAC-SHA256 over
 * `<timestamp>.<raw body>`. One poster serves both; the signature is computed
 * here, independently of the service's own code, so a fault there cannot cancel
 * itself out.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { App } from "../app.ts";

export type WebhookSender = "payments" | "sms";

export interface SigningOptions {
  /** Sign with this secret instead of the sender's own. */
  secret?: string;
  /** Sign at this time (Unix seconds) instead of the app's now. */
  timestampSeconds?: number;
  /** Send this X-Signature header as it is instead of signing; null sends none. */
  signature?: string | null;
}

export interface WebhookResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as the senders compute it. */
export function webhookSignature(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  const digest = createHmac("sha256", secret).update(`${timestampSeconds}.`).update(rawBody).digest("hex");
  return `t=${timestampSeconds},v1=${digest}`;
}

/** POSTs `rawBody` to `/webhooks/<sender>`, signed with the sender's secret at the app's current time unless told otherwise. */
export async function postSignedWebhook(
  app: App,
  sender: WebhookSender,
  rawBody: string | Buffer,
  options: SigningOptions = {},
): Promise<WebhookResponse> {
  const { webhooks } = app.services.config;
  const secret = options.secret ?? (sender === "payments" ? webhooks.paymentSecret : webhooks.smsSecret);
  const timestamp = options.timestampSeconds ?? Math.floor(app.services.now().getTime() / 1000);
  const signature = options.signature === undefined ? webhookSignature(secret, rawBody, timestamp) : options.signature;
  const response = await fetch(`${app.url}/webhooks/${sender}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature === null ? {} : { "x-signature": signature }) },
    body: typeof rawBody === "string" ? rawBody : new Uint8Array(rawBody),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** A payment event as the processor posts it; a string is sent as the raw body. Answers status and body. */
export async function postPaymentEvent(
  app: App,
  event: unknown,
  options: SigningOptions = {},
): Promise<{ status: number; body: any }> {
  const { status, body } = await postSignedWebhook(
    app,
    "payments",
    typeof event === "string" ? event : JSON.stringify(event),
    options,
  );
  return { status, body };
}

export interface SmsDelivery {
  to: string;
  /** "Your code is 482913" unless given. */
  text?: string;
  /** The operator's id of the message; a fresh one unless given. */
  messageId?: string;
  from?: string;
  route?: string;
  receivedAt?: string;
}

/**
 * An inbound SMS as the upstream operator posts it to /webhooks/sms. Returns
 * the status, the body and the operator's message id. `rawBody` replaces the body sent
 * (the signature still covers what `options` says).
 */
export async function deliverSms(
  app: App,
  sms: SmsDelivery,
  options: SigningOptions & { rawBody?: string } = {},
): Promise<{ status: number; body: any; messageId: string }> {
  const messageId = sms.messageId ?? `op-${randomBytes(6).toString("hex")}`;
  const rawBody = options.rawBody ?? JSON.stringify({ ...sms, text: sms.text ?? "Your code is 482913", messageId });
  const { status, body } = await postSignedWebhook(app, "sms", rawBody, options);
  return { status, body, messageId };
}
