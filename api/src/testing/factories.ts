/**
 * Seed factories: the data a test needs, built as a sentence through the
 * domain's own functions, so seeded rows are the rows the service writes.
 *
 *   const customer = await createCustomer(app, { balanceMinor: 500 });
 *   const activation = await customer.orderNumber({ service: "telegram", country: "GB" });
 *   await activation.receiveSms("Your code is 482913");
 *   await customer.requestPrivacy({ kind: "ACCESS" });
 *   const staff = await createStaffMember(app, { role: "COMPLIANCE" });
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Activation, Jurisdiction, PrivacyRequest, StaffRole } from "@smsape/db";
import type { App } from "../app.ts";
import { issueAccountToken } from "../domain/accounts/account-tokens.ts";
import { createApiKey } from "../domain/accounts/api-keys.ts";
import { resolveCustomerToken } from "../domain/accounts/credentials.ts";
import { signIn } from "../domain/accounts/sign-in.ts";
import { signUp, verifyEmail } from "../domain/accounts/sign-up.ts";
import { orderNumber } from "../domain/activations/activations.ts";
import type { AccountActor } from "../domain/actors.ts";
import { hashPassword } from "../domain/auth/passwords.ts";
import { deliverPendingEmails } from "../domain/email/delivery.ts";
import { ledgerCurrency } from "../domain/ledger/ledger.ts";
import { recordTopUp } from "../domain/payments/topups.ts";
import { currentPolicyVersion } from "../domain/policy/policy-versions.ts";
import { createPrivacyRequest, type NewPrivacyRequest } from "../domain/privacy/requests.ts";
import { totpCodeAt } from "../domain/staff/totp.ts";
import { GraphqlClient } from "./graphql-client.ts";
import { staffEnrolTotp, staffSignIn, staffVerifyTotp } from "./staff-api.ts";
import { deliverSms } from "./webhooks.ts";

export function newEmail(): string {
  return `person-${randomBytes(4).toString("hex")}@example.test`;
}

export function newPassword(): string {
  return `Pass-${randomBytes(8).toString("hex")}`;
}

/** A client of the customer API that sends `token` as its bearer. */
function bearerClient(app: App, token: string): GraphqlClient {
  const client = new GraphqlClient(app.url);
  client.bearer = token;
  return client;
}

/**
 * A customer as sign-up makes one: the policy in force accepted, signed in
 * with a session, the address verified with a verification token (unless
 * `verified: false`; the token is issued as sign-up issues it, rather than
 * read from the email, so any app will do), and `balanceMinor` topped up as a
 * processor's payment would be. Returns once the account's email has left the outbox.
 */
export async function createCustomer(
  app: App,
  options: {
    email?: string;
    password?: string;
    balanceMinor?: bigint | number;
    verified?: boolean;
    jurisdiction?: Jurisdiction;
  } = {},
): Promise<TestCustomer> {
  const { services } = app;
  const email = options.email ?? newEmail();
  const password = options.password ?? newPassword();
  const policy = await currentPolicyVersion(services, { select: { version: true } });
  if (!policy) throw new Error("No privacy policy is in force at the test clock's time.");
  await signUp(services, {
    email,
    password,
    ageAttestation: true,
    acceptPolicyVersion: policy.version,
    jurisdiction: options.jurisdiction,
  });
  const { account, token } = await signIn(services, { email, password });
  if (options.verified !== false) {
    const verification = await services.db.$transaction((tx) =>
      issueAccountToken(tx, account.id, "EMAIL_VERIFICATION", services.now()),
    );
    await verifyEmail(services, verification.token);
  }
  const customer = new TestCustomer(app, { accountId: account.id, email: account.email, password, token });
  if (options.balanceMinor) await customer.topUp(options.balanceMinor);
  await customer.emailSent();
  return customer;
}

export class TestCustomer {
  readonly accountId: string;
  readonly email: string;
  readonly password: string;
  /** The session token (`ses_…`) the client sends. */
  readonly token: string;
  /** A customer API client signed in with that session, as a bearer token. */
  readonly client: GraphqlClient;

  constructor(
    private readonly app: App,
    account: { accountId: string; email: string; password: string; token: string },
  ) {
    this.accountId = account.accountId;
    this.email = account.email;
    this.password = account.password;
    this.token = account.token;
    this.client = bearerClient(app, account.token);
  }

  /** Tops the balance up as a payment from the processor does: a payment event and its TOP_UP entry. */
  async topUp(amountMinor: bigint | number): Promise<void> {
    const event = { id: `evt_seed_${randomUUID()}`, accountId: this.accountId, amountMinor: BigInt(amountMinor) };
    await recordTopUp(this.app.services, { ...event, currency: ledgerCurrency });
  }

  /** Orders a number, as the orderNumber mutation does; the price is held. */
  async orderNumber(order: { service?: string; country?: string } = {}): Promise<TestActivation> {
    const { activation } = await orderNumber(this.app.services, this.accountId, {
      serviceCode: order.service ?? "telegram",
      countryCode: order.country ?? "GB",
    });
    return new TestActivation(this.app, activation);
  }

  /** Signs in again: another session, with a client of its own. */
  async signIn(): Promise<{ token: string; client: GraphqlClient }> {
    const { token } = await signIn(this.app.services, { email: this.email, password: this.password });
    await this.emailSent();
    return { token, client: bearerClient(this.app, token) };
  }

  /** A new API key of the account, and a client that sends it. */
  async createApiKey(name = "script"): Promise<{ apiKeyId: string; secret: string; client: GraphqlClient }> {
    const { apiKey, secret } = await createApiKey(this.app.services, this.accountId, { name });
    return { apiKeyId: apiKey.id, secret, client: bearerClient(this.app, secret) };
  }

  /** Files a privacy request as this customer's session does through the API. */
  async requestPrivacy(input: NewPrivacyRequest): Promise<PrivacyRequest> {
    const credential = await resolveCustomerToken(this.app.services, this.token);
    if (!credential) throw new Error("The customer's session has ended.");
    const actor: AccountActor = { kind: "account", ...credential };
    return createPrivacyRequest(this.app.services, actor, input);
  }

  /** Waits until none of the account's email is waiting in the outbox, so none goes out in the middle of a test. */
  async emailSent(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const waiting = { accountId: this.accountId, status: "PENDING" } as const;
    for (let pass = 0; (await this.app.services.db.outboxEmail.count({ where: waiting })) > 0; pass += 1) {
      if (Date.now() > deadline) throw new Error("The customer's email is still in the outbox.");
      // Another pass means the worker holds it: give it a moment to finish.
      if (pass > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await deliverPendingEmails(this.app.services);
    }
  }
}

export class TestActivation {
  readonly id: string;
  readonly accountId: string;
  /** The number, in E.164, that SMS for it are sent to. */
  readonly phoneNumber: string;
  readonly status: Activation["status"];

  constructor(
    private readonly app: App,
    activation: Activation,
  ) {
    this.id = activation.id;
    this.accountId = activation.accountId ?? "";
    this.phoneNumber = activation.phoneNumber;
    this.status = activation.status;
  }

  /**
   * An SMS to this number from the upstream operator, over the real signed
   * webhook (`via` another instance of the service if given), which must
   * store it. Returns the stored message's id and the operator's.
   */
  async receiveSms(
    text: string,
    details: { from?: string; route?: string; messageId?: string; via?: App } = {},
  ): Promise<{ messageId: string; upstreamMessageId: string }> {
    const { via = this.app, ...sms } = details;
    const result = await deliverSms(via, { ...sms, to: this.phoneNumber, text });
    if (result.status !== 200 || result.body.status !== "delivered") {
      throw new Error(`SMS not delivered: ${result.status} ${JSON.stringify(result.body)}`);
    }
    const stored = await via.services.db.smsMessage.findUniqueOrThrow({ where: { upstreamMessageId: result.messageId } });
    return { messageId: stored.id, upstreamMessageId: result.messageId };
  }
}

export interface TestStaffMember {
  staffUserId: string;
  email: string;
  password: string;
  role: StaffRole;
  /** A staff API client signed in through `staffSignIn` and `staffEnrolTotp`, holding the session cookie. */
  client: GraphqlClient;
  /** The authenticator secret the member enrolled (base32), as their app holds it. */
  totpSecret: string;
  /** The recovery codes enrolment showed, each good once. */
  recoveryCodes: string[];
  /** The code the member's authenticator shows at the test clock's time. */
  currentCode(): string;
  /** Signs in again over HTTP (password, then a code not used before): another session, with a client of its own. */
  signIn(): Promise<GraphqlClient>;
}

/** The code an authenticator app with `secret` shows at `at` (e.g. the demo members' secrets). */
export function totpCode(secret: string, at: Date): string {
  return totpCodeAt(secret, at);
}

/**
 * A staff member with `role`, written as the demo seed writes staff, then
 * signed in over the staff API as a person would at first sign-in: password,
 * enrolment of the authenticator from the secret the API offers, first code.
 */
export async function createStaffMember(app: App, options: { role?: StaffRole } = {}): Promise<TestStaffMember> {
  const role = options.role ?? "SUPPORT";
  const email = newEmail().replace("person-", "staff-");
  const password = newPassword();
  const staff = await app.services.db.staffUser.create({
    data: { email, displayName: `Test ${role.toLowerCase()}`, role, passwordHash: await hashPassword(password) },
  });
  const client = new GraphqlClient(app.url, "/admin/graphql");
  const step = await staffPasswordStep(client, email, password);
  const totpSecret = step.enrolment?.secret;
  if (step.step !== "ENROL_TOTP" || !totpSecret) throw new Error(`Staff sign-in did not offer enrolment: ${step.step}`);
  const enrolled = await staffEnrolTotp(client, step.challengeToken, totpCodeAt(totpSecret, app.services.now()));
  if (!enrolled.recoveryCodes) throw new Error(`Staff enrolment failed: ${enrolled.code}`);
  const currentCode = () => totpCodeAt(totpSecret, app.services.now());
  const signIn = async () => {
    const again = new GraphqlClient(app.url, "/admin/graphql");
    const { challengeToken } = await staffPasswordStep(again, email, password);
    const verified = await staffVerifyTotp(again, challengeToken, { code: await unusedCode(app, staff.id, totpSecret) });
    if (verified.__typename !== "StaffSignInSuccess") throw new Error(`Staff sign-in failed: ${verified.code}`);
    return again;
  };
  return {
    staffUserId: staff.id,
    email,
    password,
    role,
    client,
    totpSecret,
    recoveryCodes: enrolled.recoveryCodes,
    currentCode,
    signIn,
  };
}

/** The first sign-in step over HTTP, which must succeed: email and password, answered with the second-factor step. */
async function staffPasswordStep(client: GraphqlClient, email: string, password: string) {
  const answer = await staffSignIn(client, email, password);
  if (answer.__typename !== "StaffSecondFactorRequired" || !answer.challengeToken) {
    throw new Error(`Staff sign-in failed: ${answer.code}`);
  }
  return { step: answer.step, challengeToken: answer.challengeToken, enrolment: answer.enrolment ?? null };
}

/**
 * A code the service will take: each time step's code is good once, so when
 * this step's was used, the next step's (accepted one step early, for clock
 * drift), or else the clock moves on a step.
 */
async function unusedCode(app: App, staffUserId: string, secret: string): Promise<string> {
  const { mfaLastUsedStep } = await app.services.db.staffUser.findUniqueOrThrow({ where: { id: staffUserId } });
  const stepMs = 30_000;
  const step = Math.floor(app.services.now().getTime() / stepMs);
  if (mfaLastUsedStep !== null && mfaLastUsedStep >= step + 1) {
    const { clock } = app as Partial<{ clock: { advance(ms: number): void } }>;
    if (!clock) throw new Error("Every code of the next minute was used already; sign in on a test app, whose clock can move.");
    clock.advance(stepMs);
    return unusedCode(app, staffUserId, secret);
  }
  const at = mfaLastUsedStep !== null && mfaLastUsedStep >= step ? (step + 1) * stepMs : app.services.now().getTime();
  return totpCodeAt(secret, new Date(at));
}
