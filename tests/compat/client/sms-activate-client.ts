/**
 * A client of the sms-activate protocol (`handler_api.php`), written from the
 * protocol's public documentation as the client libraries of its users work:
 * it knows nothing of this service (it imports nothing from api/src) and talks
 * to any server of the protocol given its base URL.
 *
 * Answers are words (`ACCESS_NUMBER:<id>:<phone>`) or JSON; a word the
 * protocol uses for a failure (`NO_BALANCE`, `BAD_KEY`, ...) is thrown as an
 * SmsActivateError carrying it.
 */

/** Words the protocol answers when an action failed. */
const failureWords = [
  "BAD_KEY",
  "NO_KEY",
  "BAD_ACTION",
  "BAD_SERVICE",
  "BAD_STATUS",
  "BAD_DATA",
  "NO_NUMBERS",
  "NO_BALANCE",
  "NO_ACTIVATION",
  "WRONG_ACTIVATION_ID",
  "EARLY_CANCEL_DENIED",
  "WRONG_MAX_PRICE",
  "ERROR_SQL",
  "BANNED",
];

export class SmsActivateError extends Error {
  constructor(
    /** The protocol's word (`NO_BALANCE`), or the whole answer when it was not one the client knows. */
    readonly word: string,
    readonly answer: string,
    readonly httpStatus: number,
  ) {
    super(`sms-activate answered ${answer}`);
  }
}

export type ActivationState =
  | { status: "STATUS_WAIT_CODE" }
  | { status: "STATUS_WAIT_RETRY"; previousCode: string }
  | { status: "STATUS_OK"; code: string }
  | { status: "STATUS_CANCEL" };

export interface SmsActivateClientOptions {
  /** The endpoint, e.g. `https://api.sms-activate.ae/stubs/handler_api.php`. */
  baseUrl: string;
  apiKey: string;
  /** GET with the parameters in the query string (the default), or POST with them in a form body. */
  method?: "GET" | "POST";
}

export class SmsActivateClient {
  constructor(private readonly options: SmsActivateClientOptions) {}

  /** The raw answer of one action: HTTP status, body text, and the Retry-After header if any. */
  async call(
    action: string,
    params: Record<string, string | number | undefined> = {},
  ): Promise<{ status: number; body: string; retryAfter: string | null }> {
    const all = new URLSearchParams({ api_key: this.options.apiKey, action });
    for (const [name, value] of Object.entries(params)) if (value !== undefined) all.set(name, String(value));
    const method = this.options.method ?? "GET";
    const response =
      method === "GET"
        ? await fetch(`${this.options.baseUrl}?${all}`)
        : await fetch(this.options.baseUrl, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: all.toString(),
          });
    return { status: response.status, body: await response.text(), retryAfter: response.headers.get("retry-after") };
  }

  private async word(action: string, params: Record<string, string | number | undefined> = {}): Promise<string> {
    const { status, body } = await this.call(action, params);
    const word = body.split(":")[0] ?? "";
    if (failureWords.includes(word) || status >= 400) throw new SmsActivateError(word || body, body, status);
    return body;
  }

  private async json<T>(action: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
    const body = await this.word(action, params);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new SmsActivateError(body, body, 200);
    }
  }

  /** The balance, as the decimal string the protocol sends. */
  async getBalance(): Promise<string> {
    const answer = await this.word("getBalance");
    if (!answer.startsWith("ACCESS_BALANCE:")) throw new SmsActivateError(answer, answer, 200);
    return answer.slice("ACCESS_BALANCE:".length);
  }

  /** Orders a number: its activation id (an integer) and the number without `+`. */
  async getNumber(service: string, country: number, extra: { maxPrice?: string } = {}): Promise<{ id: number; phone: string }> {
    const answer = await this.word("getNumber", { service, country, ...extra });
    const [word, id, phone] = answer.split(":");
    if (word !== "ACCESS_NUMBER" || !id || !phone) throw new SmsActivateError(answer, answer, 200);
    return { id: Number.parseInt(id, 10), phone };
  }

  async getNumberV2(
    service: string,
    country: number,
  ): Promise<{
    activationId: number;
    phoneNumber: string;
    activationCost: string;
    countryCode: string;
    canGetAnotherSms: boolean;
    activationTime: string;
    activationOperator: string;
  }> {
    return this.json("getNumberV2", { service, country });
  }

  /** 1 ready, 3 another SMS, 6 complete, 8 cancel: the answer's word (`ACCESS_READY`, ...). */
  async setStatus(id: number, status: 1 | 3 | 6 | 8): Promise<string> {
    return this.word("setStatus", { id, status });
  }

  async getStatus(id: number): Promise<ActivationState> {
    const answer = await this.word("getStatus", { id });
    const separator = answer.indexOf(":");
    const word = separator < 0 ? answer : answer.slice(0, separator);
    const rest = separator < 0 ? "" : answer.slice(separator + 1);
    switch (word) {
      case "STATUS_WAIT_CODE":
        return { status: "STATUS_WAIT_CODE" };
      case "STATUS_WAIT_RETRY":
        return { status: "STATUS_WAIT_RETRY", previousCode: rest };
      case "STATUS_OK":
        return { status: "STATUS_OK", code: rest };
      case "STATUS_CANCEL":
        return { status: "STATUS_CANCEL" };
      default:
        throw new SmsActivateError(answer, answer, 200);
    }
  }

  /** JSON while the activation lives, the word STATUS_CANCEL once it was canceled. */
  async getStatusV2(
    id: number,
  ): Promise<
    { verificationType: number; sms: { dateTime: string; code: string; text: string } | null; call: unknown } | "STATUS_CANCEL"
  > {
    const body = await this.word("getStatusV2", { id });
    if (body === "STATUS_CANCEL") return body;
    return JSON.parse(body);
  }

  /**
   * Polls getStatus until a code arrives (STATUS_OK), as the protocol's users
   * do; throws when the activation was canceled or `timeoutMs` passed.
   */
  async waitForCode(id: number, { timeoutMs = 10_000, intervalMs = 100 } = {}): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.getStatus(id);
      if (state.status === "STATUS_OK") return state.code;
      if (state.status === "STATUS_CANCEL") throw new SmsActivateError("STATUS_CANCEL", "STATUS_CANCEL", 200);
      if (Date.now() > deadline) throw new Error(`No code for activation ${id} within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async getActiveActivations(): Promise<
    { status: "success"; activeActivations: Array<Record<string, unknown>> } | { status: "error"; error: string }
  > {
    return this.json("getActiveActivations");
  }

  async getPrices(
    filter: { service?: string; country?: number } = {},
  ): Promise<Record<string, Record<string, { cost: string; count: number }>>> {
    return this.json("getPrices", filter);
  }

  async getCountries(): Promise<Record<string, { id: number; eng: string; rus: string; chn: string; visible: number }>> {
    return this.json("getCountries");
  }

  async getNumbersStatus(country: number): Promise<Record<string, number>> {
    return this.json("getNumbersStatus", { country });
  }
}
