/**
 * The sms-activate protocol's actions (docs/compat.md), each answered from the
 * same domain functions the customer GraphQL API calls: ordering, the steps of
 * an activation, the balance, the catalogue. Nothing here decides a rule: it
 * reads the protocol's parameters, calls the domain, and words the outcome as
 * the protocol does. Expected domain failures are worded in handler.ts.
 */
import type { Activation } from "@smsape/db";
import {
  findOwnActivationByNumericId,
  findOwnActivations,
  finishActivation,
  requestAnotherSms,
} from "../../domain/activations/activations.ts";
import { type CustomerCall, cancelActivationFor, orderNumberFor } from "../../domain/activations/customer-steps.ts";
import { availableNumberCount, findCountries, findPrices } from "../../domain/catalogue/catalogue.ts";
import { openColumn } from "../../domain/crypto/encrypted-columns.ts";
import { balanceOf } from "../../domain/ledger/ledger.ts";
import { smsReadableBy } from "../../domain/sms/messages.ts";
import type { Services } from "../../services/index.ts";
import { decimalFromMinor, minorFromDecimal } from "./amounts.ts";
import { countryFromProtocol, countryToProtocol, serviceFromProtocol, serviceToProtocol } from "./codes.ts";

/** What an action answers: a word (`ACCESS_BALANCE:1.00`) or a JSON document. */
export type Answer = { kind: "text"; text: string } | { kind: "json"; body: unknown };

export const text = (value: string): Answer => ({ kind: "text", text: value });
const json = (body: unknown): Answer => ({ kind: "json", body });

export interface ActionRequest {
  services: Services;
  call: CustomerCall;
  /** The protocol's parameters (query string and form body), `api_key` and `action` included. */
  params: URLSearchParams;
}

type Action = (request: ActionRequest) => Promise<Answer>;

/** Every action the route answers; any other is BAD_ACTION. */
export const actions: Record<string, Action> = {
  getBalance,
  getBalanceAndCashBack: getBalance,
  getNumber: (request) => order(request, "text"),
  getNumberV2: (request) => order(request, "json"),
  setStatus,
  getStatus,
  getStatusV2,
  getFullSms,
  getActiveActivations,
  getPrices,
  getCountries,
  getNumbersStatus,
};

export const actionNames = Object.keys(actions);

async function getBalance({ services, call }: ActionRequest): Promise<Answer> {
  const balance = await balanceOf(services.db, call.account.accountId);
  return text(`ACCESS_BALANCE:${decimalFromMinor(balance.availableMinor)}`);
}

async function order({ services, call, params }: ActionRequest, format: "text" | "json"): Promise<Answer> {
  const service = params.get("service")?.trim();
  if (!service) return text("BAD_SERVICE");
  const countryCode = countryFromProtocol(params.get("country") ?? "0");
  // A country outside the table has no number for the protocol's clients.
  if (!countryCode) return text("NO_NUMBERS");
  const maxPrice = params.get("maxPrice");
  const maxPriceMinor = maxPrice ? minorFromDecimal(maxPrice) : null;
  if (maxPrice && maxPriceMinor === null) return text("WRONG_MAX_PRICE");
  const { activation } = await orderNumberFor(services, call, {
    serviceCode: serviceFromProtocol(service),
    countryCode,
    maxPriceMinor,
    idempotencyKey: params.get("idempotencyKey"),
  });
  const phoneNumber = protocolPhoneNumber(activation.phoneNumber);
  if (format === "text") return text(`ACCESS_NUMBER:${activation.numericId}:${phoneNumber}`);
  return json({
    activationId: Number(activation.numericId),
    phoneNumber,
    activationCost: decimalFromMinor(activation.priceMinor),
    currency: activation.currency,
    countryCode: String(countryToProtocol(activation.countryCode) ?? ""),
    canGetAnotherSms: true,
    activationTime: protocolTime(activation.createdAt),
    activationEndTime: protocolTime(activation.expiresAt),
    // The upstream route is kept encrypted (P20) and never shown: every number is "any" operator's.
    activationOperator: "any",
  });
}

/** The protocol's setStatus numbers: 1 ready, 3 another SMS, 6 complete, 8 (and the older -1) cancel. */
async function setStatus(request: ActionRequest): Promise<Answer> {
  const { services, call, params } = request;
  const found = await ownActivation(request);
  if ("answer" in found) return found.answer;
  const { activation } = found;
  switch (params.get("status")) {
    case "1":
      // Ours waits for the SMS from the order on: "ready" changes nothing, but only while it waits.
      return activation.status === "WAITING_SMS" || activation.status === "SMS_RECEIVED"
        ? text("ACCESS_READY")
        : text("BAD_STATUS");
    case "3":
      await requestAnotherSms(services, call.account.accountId, activation.id);
      return text("ACCESS_RETRY_GET");
    case "6":
      await finishActivation(services, call.account.accountId, activation.id);
      return text("ACCESS_ACTIVATION");
    case "8":
    case "-1":
      await cancelActivationFor(services, call, activation.id);
      return text("ACCESS_CANCEL");
    default:
      return text("BAD_STATUS");
  }
}

async function getStatus(request: ActionRequest): Promise<Answer> {
  const found = await ownActivation(request);
  if ("answer" in found) return found.answer;
  const { activation } = found;
  if (activation.status === "CANCELED" || activation.status === "TIMED_OUT") return text("STATUS_CANCEL");
  const latest = await latestSms(request, activation);
  if (activation.status === "WAITING_SMS") {
    // After "another SMS" the previous code is still shown, as the protocol does.
    return latest?.code ? text(`STATUS_WAIT_RETRY:${latest.code}`) : text("STATUS_WAIT_CODE");
  }
  return text(`STATUS_OK:${latest?.code ?? oneLine(latest?.text ?? "")}`);
}

async function getStatusV2(request: ActionRequest): Promise<Answer> {
  const found = await ownActivation(request);
  if ("answer" in found) return found.answer;
  const { activation } = found;
  if (activation.status === "CANCELED" || activation.status === "TIMED_OUT") return text("STATUS_CANCEL");
  const latest = activation.status === "WAITING_SMS" ? null : await latestSms(request, activation);
  return json({
    verificationType: 0,
    sms: latest ? { dateTime: protocolTime(latest.receivedAt), code: latest.code ?? "", text: latest.text ?? "" } : null,
    // Numbers here receive SMS only: no call verification.
    call: null,
  });
}

async function getFullSms(request: ActionRequest): Promise<Answer> {
  const found = await ownActivation(request);
  if ("answer" in found) return found.answer;
  const { activation } = found;
  if (activation.status === "CANCELED" || activation.status === "TIMED_OUT") return text("STATUS_CANCEL");
  if (activation.status === "WAITING_SMS") return text("STATUS_WAIT_CODE");
  const latest = await latestSms(request, activation);
  return text(`FULL_SMS:${latest?.text ?? ""}`);
}

/** At most this many activations in one answer: an account rarely has more in progress. */
const activeActivationsLimit = 100;

async function getActiveActivations(request: ActionRequest): Promise<Answer> {
  const { services, call } = request;
  const page = { take: activeActivationsLimit };
  const inProgress = [
    ...(await findOwnActivations(services, call.account.accountId, { status: "WAITING_SMS" }, page)),
    ...(await findOwnActivations(services, call.account.accountId, { status: "SMS_RECEIVED" }, page)),
  ]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, activeActivationsLimit);
  if (inProgress.length === 0) return json({ status: "error", error: "NO_ACTIVATIONS" });
  const countries = new Map((await findCountries(services.db)).map((country) => [country.code, country.name]));
  const rows = [];
  for (const activation of inProgress) {
    const messages = await readableSms(request, activation);
    const codes = messages.flatMap((message) => (message.code ? [message.code] : []));
    const texts = messages.flatMap((message) => (message.text ? [message.text] : []));
    rows.push({
      activationId: String(activation.numericId),
      serviceCode: serviceToProtocol(activation.serviceCode),
      phoneNumber: protocolPhoneNumber(activation.phoneNumber),
      activationCost: decimalFromMinor(activation.priceMinor),
      activationStatus: protocolActivationStatus(activation, messages.length > 0),
      smsCode: codes.length ? codes : null,
      smsText: texts.length ? JSON.stringify(texts) : null,
      activationTime: protocolTime(activation.createdAt),
      discount: "0.00",
      repeated: "0",
      countryCode: String(countryToProtocol(activation.countryCode) ?? ""),
      countryName: countries.get(activation.countryCode) ?? activation.countryCode,
      canGetAnotherSms: "1",
    });
  }
  return json({ status: "success", activeActivations: rows });
}

async function getPrices({ services, params }: ActionRequest): Promise<Answer> {
  const country = params.get("country");
  const service = params.get("service");
  const countryCode = country ? countryFromProtocol(country) : null;
  if (country && !countryCode) return json({});
  const prices = await findPrices(services.db, {
    countryCode,
    serviceCode: service ? serviceFromProtocol(service) : null,
  });
  const now = services.now();
  const answer: Record<string, Record<string, { cost: string; count: number }>> = {};
  for (const price of prices) {
    const number = countryToProtocol(price.countryCode);
    if (number === null) continue;
    const count = await availableNumberCount(services.db, price.countryCode, price.serviceCode, now);
    answer[number] ??= {};
    answer[number][serviceToProtocol(price.serviceCode)] = { cost: decimalFromMinor(price.amountMinor), count };
  }
  return json(answer);
}

async function getCountries({ services }: ActionRequest): Promise<Answer> {
  const answer: Record<string, unknown> = {};
  for (const country of await findCountries(services.db)) {
    const id = countryToProtocol(country.code);
    if (id === null) continue;
    // The catalogue names countries in English only: every language field carries that name.
    answer[id] = {
      id,
      rus: country.name,
      eng: country.name,
      chn: country.name,
      visible: 1,
      retry: 1,
      rent: 0,
      multiService: 0,
    };
  }
  return json(answer);
}

async function getNumbersStatus({ services, params }: ActionRequest): Promise<Answer> {
  const countryCode = countryFromProtocol(params.get("country") ?? "0");
  if (!countryCode) return json({});
  const now = services.now();
  const answer: Record<string, number> = {};
  for (const price of await findPrices(services.db, { countryCode })) {
    // `_0`: without call forwarding, the only kind there is here.
    answer[`${serviceToProtocol(price.serviceCode)}_0`] = await availableNumberCount(
      services.db,
      price.countryCode,
      price.serviceCode,
      now,
    );
  }
  return json(answer);
}

// ---------------------------------------------------------------- reading

/**
 * The activation named by `id`, if it is the caller's own: a malformed id is
 * WRONG_ACTIVATION_ID, any other account's or an unknown one NO_ACTIVATION,
 * alike, so nothing tells another account's activations apart from none.
 */
async function ownActivation({
  services,
  call,
  params,
}: ActionRequest): Promise<{ activation: Activation } | { answer: Answer }> {
  const id = params.get("id")?.trim() ?? "";
  if (!/^\d{1,15}$/.test(id)) return { answer: text("WRONG_ACTIVATION_ID") };
  const activation = await findOwnActivationByNumericId(services, call.account.accountId, BigInt(id));
  return activation ? { activation } : { answer: text("NO_ACTIVATION") };
}

interface ReadSms {
  receivedAt: Date;
  text: string | null;
  code: string | null;
}

/** The activation's SMS the caller may read (P7), oldest first; text and code opened as they are read (P20). */
async function readableSms({ services, call }: ActionRequest, activation: Activation): Promise<ReadSms[]> {
  const messages = await services.db.smsMessage.findMany({
    where: { AND: [{ activationId: activation.id }, smsReadableBy(call.account)] },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
  });
  const { encryption } = services.config;
  return messages.map((message) => ({
    receivedAt: message.receivedAt,
    // Once the retention purge removed them (P8), the text and code are gone here too.
    text:
      message.bodyCiphertext && !message.purgedAt ? openColumn(encryption, "smsBody", message.id, message.bodyCiphertext) : null,
    code:
      message.codeCiphertext && !message.purgedAt ? openColumn(encryption, "smsCode", message.id, message.codeCiphertext) : null,
  }));
}

async function latestSms(request: ActionRequest, activation: Activation): Promise<ReadSms | null> {
  return (await readableSms(request, activation)).at(-1) ?? null;
}

// ---------------------------------------------------------------- wording

/** E.164 without the plus, as the protocol's clients expect (some read it as an integer). */
function protocolPhoneNumber(e164: string): string {
  return e164.replace(/^\+/, "");
}

/** `2026-11-26 13:05:09`, in UTC (the protocol gives no zone; ours is always UTC). */
function protocolTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

/** The protocol's status numbers in getActiveActivations: 4 waiting, 2 an SMS arrived, 3 waiting for another. */
function protocolActivationStatus(activation: Activation, hadSms: boolean): string {
  if (activation.status === "SMS_RECEIVED") return "2";
  return hadSms ? "3" : "4";
}

/** A text on one line: the protocol's word answers end at the first line break. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}
