/**
 * Signed webhooks from the payment processor and the upstream SMS operator.
 * The sender signs `<timestamp>.<raw body>` with HMAC-SHA256 under a shared
 * secret and sends `X-Signature: t=<unix seconds>,v1=<hex digest>`. A delivery
 * with a bad signature, or a timestamp outside the tolerance (a replay), is
 * refused before its body is even parsed.
 *
 * The body must then be UTF-8 JSON in which no object names a key twice and
 * no string holds text PostgreSQL cannot store: JSON.parse would keep the last
 * of two keys silently ({"amountMinor":1,"amountMinor":100000} credits
 * 100000), so a signed body could mean one thing to a reviewer and another to
 * us. It is parsed into a syntax tree (momoa) that keeps every key.
 */
import { createHmac } from "node:crypto";
import { evaluate, parse, type StringNode, type ValueNode } from "@humanwhocodes/momoa";
import { constantTimeEqual } from "../domain/auth/tokens.ts";
import type { Services } from "../services/index.ts";
import type { WebhookRoute } from "./server.ts";
import { unstorableCharacterIn } from "./storable-text.ts";

export const signatureHeader = "x-signature";

export function signWebhook(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  const digest = createHmac("sha256", secret).update(`${timestampSeconds}.`).update(rawBody).digest("hex");
  return `t=${timestampSeconds},v1=${digest}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

export function verifyWebhookSignature(options: {
  secret: string;
  rawBody: Buffer;
  header: string | string[] | undefined;
  now: Date;
  toleranceSeconds: number;
}): SignatureCheck {
  const header = Array.isArray(options.header) ? options.header[0] : options.header;
  if (!header) return { ok: false, reason: "missing" };
  const parts = new Map(header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const timestamp = Number(parts.get("t"));
  const digest = parts.get("v1");
  if (!Number.isInteger(timestamp) || !digest) return { ok: false, reason: "malformed" };
  if (Math.abs(options.now.getTime() / 1000 - timestamp) > options.toleranceSeconds) return { ok: false, reason: "stale" };
  const expected = signWebhook(options.secret, options.rawBody, timestamp);
  return constantTimeEqual(expected, header.replace(/\s/g, "")) ? { ok: true } : { ok: false, reason: "mismatch" };
}

const refusal: Record<Exclude<SignatureCheck, { ok: true }>["reason"], string> = {
  missing: "The X-Signature header is missing.",
  malformed: "The X-Signature header is not of the form t=<unix seconds>,v1=<hex digest>.",
  stale: "The signature's timestamp is too old or too new.",
  mismatch: "The signature does not match the body.",
};

export type BodyCheck =
  | { ok: true; payload: unknown }
  | { ok: false; code: "INVALID_JSON" | "DUPLICATE_KEY" | "INVALID_CHARACTER"; error: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Names a key in an answer only when it is a plain word: a key could itself be a card number. */
const sayable = (key: string) => (/^[A-Za-z_]{1,64}$/.test(key) ? `"${key}" ` : "");

function at(node: { loc: { start: { line: number; column: number } } }): string {
  return `line ${node.loc.start.line}, column ${node.loc.start.column}`;
}

type BodyRefusal = Exclude<BodyCheck, { ok: true }>;

/** Deeper than any webhook we accept; also keeps the walk below clear of the stack's limit. */
const maxDepth = 64;

/** A string written with a raw control character (JSON wants them escaped), or one that cannot be stored. */
function checkString(node: StringNode, text: string): BodyRefusal | null {
  const [start, end] = node.range ?? [0, 0];
  for (let index = start; index < end; index += 1)
    if (text.charCodeAt(index) < 0x20)
      return { ok: false, code: "INVALID_JSON", error: `The string at ${at(node)} holds an unescaped control character.` };
  const character = unstorableCharacterIn(node.value);
  if (!character) return null;
  return {
    ok: false,
    code: "INVALID_CHARACTER",
    error: `The string at ${at(node)} contains ${character}, which cannot be stored.`,
  };
}

/** The first duplicate key or unstorable string in the tree, as a refusal. */
function findDuplicateOrUnstorable(node: ValueNode, text: string, depth = 0): BodyRefusal | null {
  if (depth > maxDepth) return { ok: false, code: "INVALID_JSON", error: `The body is nested deeper than ${maxDepth} levels.` };
  if (node.type === "String") return checkString(node, text);
  if (node.type === "Array") {
    for (const element of node.elements) {
      const found = findDuplicateOrUnstorable(element.value, text, depth + 1);
      if (found) return found;
    }
  }
  if (node.type === "Object") {
    const keys = new Set<string>();
    for (const { name, value } of node.members) {
      if (name.type !== "String") return { ok: false, code: "INVALID_JSON", error: `The key at ${at(name)} is not a string.` };
      if (keys.has(name.value))
        return {
          ok: false,
          code: "DUPLICATE_KEY",
          error: `The key ${sayable(name.value)}at ${at(name)} appears twice in the same object; send each key once.`,
        };
      keys.add(name.value);
      const found = checkString(name, text) ?? findDuplicateOrUnstorable(value, text, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** The body as JSON, or why it is refused: not UTF-8, not JSON, a key twice, or unstorable text. */
export function parseWebhookBody(rawBody: Buffer): BodyCheck {
  try {
    const text = utf8.decode(rawBody);
    const document = parse(text, { mode: "json", ranges: true });
    return findDuplicateOrUnstorable(document.body, text) ?? { ok: true, payload: evaluate(document.body) };
  } catch {
    // Malformed UTF-8, malformed JSON, or nesting too deep to parse.
    return { ok: false, code: "INVALID_JSON", error: "The body is not JSON (UTF-8)." };
  }
}

/**
 * A webhook route whose handler only ever sees a verified, parsed JSON body:
 * unsigned, replayed or forged deliveries are answered 401 and bodies that are
 * not JSON, repeat a key or carry unstorable text 400, before any of their
 * content is looked at.
 */
export function signedJsonWebhook(options: {
  services: Services;
  path: string;
  /** Names the sender in the log. */
  sender: string;
  secret: string;
  handle(payload: unknown): Promise<{ status: number; body: unknown }>;
}): WebhookRoute {
  const { services } = options;
  const log = services.logger.child({ component: `${options.sender}-webhook` });
  return {
    path: options.path,
    async handle({ rawBody, headers }) {
      const check = verifyWebhookSignature({
        secret: options.secret,
        rawBody,
        header: headers[signatureHeader],
        now: services.now(),
        toleranceSeconds: services.config.webhooks.toleranceSeconds,
      });
      if (!check.ok) {
        log.warn({ reason: check.reason }, "webhook refused: signature");
        return { status: 401, body: { code: "BAD_SIGNATURE", error: refusal[check.reason] } };
      }
      const body = parseWebhookBody(rawBody);
      if (!body.ok) {
        log.warn({ reason: body.code }, "webhook refused: body");
        return { status: 400, body: { code: body.code, error: body.error } };
      }
      return options.handle(body.payload);
    },
  };
}
