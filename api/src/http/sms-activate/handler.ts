/**
 * The sms-activate protocol's endpoint (`handler_api.php`, docs/compat.md):
 * GET with the parameters in the query string, or POST with them in a
 * form-encoded body, as its clients send them. Every action needs a customer
 * API key (`api_key`) and acts for the key's account only, as the customer
 * GraphQL API does.
 *
 * The key travels in the URL in this protocol, so this route never logs the
 * URL or the parameters, labels metrics only with the action's name when it is
 * one we know and with the answer's word, and words every failure itself:
 * nothing of the request reaches an error message.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiKeyPrefix, resolveCustomerToken } from "../../domain/accounts/credentials.ts";
import {
  AccountRestrictedError,
  ActivationStatusError,
  CancelLockedError,
  EmailNotVerifiedError,
  IdempotencyKeyReusedError,
  InsufficientBalanceError,
  NoNumbersAvailableError,
  PriceAboveMaximumError,
} from "../../domain/activations/errors.ts";
import { ServiceNotOfferedError, UnknownCountryError, UnknownServiceError } from "../../domain/catalogue/catalogue.ts";
import { DomainError, NotFoundError, RateLimitedError, ValidationError } from "../../domain/errors.ts";
import type { Services } from "../../services/index.ts";
import { clientAddress } from "../edge.ts";
import { readBody } from "../request-body.ts";
import { type Answer, actionNames, actions, text } from "./actions.ts";
import { decimalFromMinor } from "./amounts.ts";

/** The largest form body read; the protocol's parameters are a few short values. */
const maxFormBytes = 16 * 1024;

export function createSmsActivateHandler(services: Services) {
  const log = services.logger.child({ component: "sms-activate" });
  const { metrics } = services;

  return async function handleSmsActivate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let action = "none";
    let answer: Answer;
    let status = 200;
    const headers: Record<string, string> = {};
    try {
      const params = await readParams(req);
      if (params === null) {
        answer = text("BAD_DATA");
        status = 413;
        headers.connection = "close";
      } else {
        action = params.get("action") ?? "none";
        answer = await answerRequest(services, req, params);
      }
    } catch (error) {
      if (error instanceof RateLimitedError) {
        answer = text("RATE_LIMITED");
        status = 429;
        headers["retry-after"] = String(error.retryAfterSeconds);
      } else if (error instanceof DomainError) {
        answer = text(wordFor(error));
      } else {
        // Only the error itself (its class and message, which never hold the request's values) and the action.
        log.error({ err: error, action: actionLabel(action) }, "sms-activate request failed");
        answer = text("ERROR_SQL");
        status = 500;
      }
    }
    metrics.smsActivateRequests.inc({ action: actionLabel(action), answer: answerLabel(answer) });
    const body = answer.kind === "text" ? answer.text : JSON.stringify(answer.body);
    res.writeHead(status, {
      "content-type": answer.kind === "text" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    });
    res.end(body);
  };
}

async function answerRequest(services: Services, req: IncomingMessage, params: URLSearchParams): Promise<Answer> {
  const key = params.get("api_key");
  if (!key) return text("NO_KEY");
  // Only API keys: a session token belongs in a signed-in client's Authorization header, not in a URL.
  if (!key.startsWith(`${apiKeyPrefix}_`) || key.length > 200) return text("BAD_KEY");
  const credential = await resolveCustomerToken(services, key);
  if (!credential) return text("BAD_KEY");
  const action = params.get("action") ?? "";
  const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (!run) return text("BAD_ACTION");
  const network = services.limits.networkKey(clientAddress(req, services.config.edge.trustProxyHops), services.now());
  return run({ services, call: { account: { kind: "account", ...credential }, network }, params });
}

/** The protocol's word for each expected failure of the domain. */
function wordFor(error: DomainError): string {
  if (error instanceof UnknownServiceError) return "BAD_SERVICE";
  if (error instanceof UnknownCountryError || error instanceof ServiceNotOfferedError || error instanceof NoNumbersAvailableError)
    return "NO_NUMBERS";
  if (error instanceof InsufficientBalanceError) return "NO_BALANCE";
  if (error instanceof PriceAboveMaximumError) return `WRONG_MAX_PRICE:${decimalFromMinor(error.priceMinor)}`;
  if (error instanceof CancelLockedError) return "EARLY_CANCEL_DENIED";
  if (error instanceof ActivationStatusError) return "BAD_STATUS";
  if (error instanceof NotFoundError) return "NO_ACTIVATION";
  if (error instanceof ValidationError) return "BAD_DATA";
  // Ours, not the protocol's: it has no word for these, and a wrong word would mislead.
  if (
    error instanceof AccountRestrictedError ||
    error instanceof EmailNotVerifiedError ||
    error instanceof IdempotencyKeyReusedError
  )
    return error.code;
  return "BAD_DATA";
}

/** The action's name as a metric label: only the names we answer; anything else the client sent is "other". */
function actionLabel(action: string): string {
  if (action === "none") return "none";
  return actionNames.includes(action) ? action : "other";
}

/** The answer's word as a metric label (`ACCESS_NUMBER`, `NO_BALANCE`), never what follows it; JSON answers are "json". */
function answerLabel(answer: Answer): string {
  if (answer.kind === "json") return "json";
  const word = answer.text.split(":")[0] ?? "";
  return /^[A-Z_]{1,40}$/.test(word) ? word : "OTHER";
}

/**
 * The parameters: the query string, then a form-encoded POST body (its values
 * win). Null when the body is larger than `maxFormBytes`: reading then stops
 * and the stream is paused, not destroyed, so the client can read the answer
 * (sent with `Connection: close`).
 */
async function readParams(req: IncomingMessage): Promise<URLSearchParams | null> {
  const query = (req.url ?? "").split("?")[1] ?? "";
  const params = new URLSearchParams(query);
  if (req.method !== "POST") return params;
  const body = await readBody(req, maxFormBytes);
  if (body === null) return null;
  if ((req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) params.set(name, value);
  }
  return params;
}
