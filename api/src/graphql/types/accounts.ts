/**
 * The customer's own account: sign-up, email verification, sessions, password
 * changes and API keys. Resolvers only translate; the rules live in
 * domain/accounts.
 */
import type { Account, ApiKey } from "@smsape/db";
import { enforceLimits } from "../../domain/abuse/limits.ts";
import { findOwnAccount } from "../../domain/accounts/account.ts";
import { createApiKey, revokeApiKey } from "../../domain/accounts/api-keys.ts";
import {
  AgeAttestationRequiredError,
  InvalidTokenError,
  SessionRequiredError,
  WrongPasswordError,
} from "../../domain/accounts/errors.ts";
import { changePassword, requestPasswordReset, resetPassword } from "../../domain/accounts/password-changes.ts";
import { signIn, signOut, signOutEverywhere } from "../../domain/accounts/sign-in.ts";
import { resendVerification, signUp, verifyEmail } from "../../domain/accounts/sign-up.ts";
import { ConflictError, InvalidCredentialsError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { acknowledgementState, PolicyVersionNotInForceError } from "../../domain/policy/acknowledgements.ts";
import type { Services } from "../../services/index.ts";
import { builder } from "../builder.ts";
import type { Context, Viewer } from "../context.ts";
import { clearSessionCookie, customerSessionCookie, setSessionCookie } from "../session-cookies.ts";
import { signedInAccount, viewingAccount } from "../viewer.ts";
import { registerErrorType } from "./errors.ts";
import { JurisdictionEnum } from "./privacy.ts";

registerErrorType(AgeAttestationRequiredError, "AgeAttestationRequiredError", ["customer"]);
registerErrorType(InvalidTokenError, "InvalidTokenError", ["customer"]);
registerErrorType(WrongPasswordError, "WrongPasswordError", ["customer"]);
registerErrorType(SessionRequiredError, "SessionRequiredError", ["customer"]);

const customer = ["customer"] as const satisfies Array<"customer" | "staff">;

/** The signed-in account, when it signed in with a password rather than an API key. */
function sessionOf(viewer: Viewer) {
  const account = signedInAccount(viewer);
  if (!account.sessionId) throw new SessionRequiredError();
  return { accountId: account.accountId, sessionId: account.sessionId };
}

const policyState = (context: Context, accountId: string) => acknowledgementState(context.services, accountId);

const ApiKeyType = builder.prismaObject("ApiKey", {
  subGraphs: [...customer],
  description: "A key for programmatic clients. Its secret was shown once, at creation; `prefix` helps tell keys apart.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix", { description: "The first characters of the key, e.g. sk_Ab3dE9x." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

const AccountType = builder.prismaObject("Account", {
  description: "A customer account.",
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    emailVerified: t.boolean({
      description: "Whether the email address was confirmed. Ordering numbers needs a verified address.",
      resolve: (account) => account.emailVerifiedAt !== null,
    }),
    jurisdiction: t.expose("jurisdiction", { type: JurisdictionEnum }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    policyAcknowledgementRequired: t.boolean({
      description:
        "True when the account has not accepted the privacy policy version in force (see `privacyPolicy`, then `acknowledgePolicy`).",
      resolve: async (account, _args, context) => (await policyState(context, account.id)).required,
    }),
    acknowledgedPolicyVersion: t.string({
      nullable: true,
      description: "The latest privacy policy version the account accepted.",
      resolve: async (account, _args, context) => (await policyState(context, account.id)).acknowledgedVersion,
    }),
    apiKeys: t.relatedConnection("apiKeys", {
      subGraphs: [...customer],
      cursor: "id",
      description: "The account's API keys that are not revoked, newest first.",
      query: { where: { revokedAt: null }, orderBy: { id: "desc" } },
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.prismaField({
    type: "Account",
    nullable: true,
    subGraphs: [...customer],
    description: "The signed-in account, or null when the request carries no valid session or API key.",
    resolve: (query, _root, _args, { services, viewer }) => {
      const account = viewingAccount(viewer);
      return account ? findOwnAccount(services, account.accountId, query) : null;
    },
  }),
);

// ---------------------------------------------------------------- sign-up and email verification

const SignUpInput = builder.inputType("SignUpInput", {
  subGraphs: [...customer],
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true, description: "10 to 128 characters, not the email address." }),
    ageAttestation: t.boolean({ required: true, description: "I am an adult (of legal age where I live). Must be true." }),
    acceptPolicyVersion: t.string({
      required: true,
      description: "The privacy policy version accepted: the one in force (`privacyPolicy.version`).",
    }),
    jurisdiction: t.field({
      type: JurisdictionEnum,
      required: false,
      description: "The privacy law that applies to you; OTHER when unset.",
    }),
  }),
});

const SignUpPayload = builder.objectRef<{ email: string }>("SignUpPayload").implement({
  subGraphs: [...customer],
  description:
    "The sign-up was received: an email went to the address. The answer is the same whether or not the address already had an account.",
  fields: (t) => ({ email: t.exposeString("email") }),
});

builder.mutationField("signUp", (t) =>
  t.field({
    type: SignUpPayload,
    subGraphs: [...customer],
    description: "Opens an account and emails a verification token. Sign in afterwards with `signIn`.",
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    errors: {
      types: [ValidationError, AgeAttestationRequiredError, PolicyVersionNotInForceError],
      directResult: true,
      union: { name: "SignUpResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, { services, client }) => {
      await enforceLimits(services, [["sign-up.network", client.network]], "Too many sign-ups from your network", {
        accountId: null,
        network: client.network,
      });
      return signUp(services, input);
    },
  }),
);

const TokenInput = builder.inputType("VerifyEmailInput", {
  subGraphs: [...customer],
  fields: (t) => ({ token: t.string({ required: true, description: "The token from the verification email." }) }),
});

const VerifyEmailPayload = builder.objectRef<{ emailVerified: true }>("VerifyEmailPayload").implement({
  subGraphs: [...customer],
  fields: (t) => ({ emailVerified: t.exposeBoolean("emailVerified") }),
});

builder.mutationField("verifyEmail", (t) =>
  t.field({
    type: VerifyEmailPayload,
    subGraphs: [...customer],
    description: "Confirms an email address with the token sent to it. Works without signing in.",
    args: { input: t.arg({ type: TokenInput, required: true }) },
    errors: {
      types: [ValidationError, InvalidTokenError],
      directResult: true,
      union: { name: "VerifyEmailResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, { services }) => {
      await verifyEmail(services, input.token);
      return { emailVerified: true as const };
    },
  }),
);

const ResendVerificationPayload = builder.objectRef<{ sent: true }>("ResendVerificationPayload").implement({
  subGraphs: [...customer],
  fields: (t) => ({ sent: t.exposeBoolean("sent") }),
});

builder.mutationField("resendVerification", (t) =>
  t.field({
    type: ResendVerificationPayload,
    subGraphs: [...customer],
    authScopes: { account: true },
    description: "Emails a new verification token; earlier ones stop working. At most once a minute.",
    errors: {
      types: [ValidationError, ConflictError],
      directResult: true,
      union: { name: "ResendVerificationResult", subGraphs: [...customer] },
    },
    resolve: async (_root, _args, { services, viewer }) => {
      await resendVerification(services, signedInAccount(viewer).accountId);
      return { sent: true as const };
    },
  }),
);

// ---------------------------------------------------------------- sessions

const SignInInput = builder.inputType("SignInInput", {
  subGraphs: [...customer],
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

const SignInPayload = builder
  .objectRef<{ account: Account; token: string; idleExpiresAt: Date; absoluteExpiresAt: Date }>("SignInPayload")
  .implement({
    subGraphs: [...customer],
    description:
      "A new session. Browsers get it as an HttpOnly cookie; scripts and apps send `token` as `Authorization: Bearer`.",
    fields: (t) => ({
      account: t.field({ type: AccountType, resolve: (result) => result.account }),
      token: t.exposeString("token", { description: "The session token (`ses_…`), shown once. Keep it secret." }),
      idleExpiresAt: t.expose("idleExpiresAt", {
        type: "DateTime",
        description: "When the session ends if unused; use moves it later.",
      }),
      absoluteExpiresAt: t.expose("absoluteExpiresAt", {
        type: "DateTime",
        description: "When the session ends however much it is used.",
      }),
    }),
  });

builder.mutationField("signIn", (t) =>
  t.field({
    type: SignInPayload,
    subGraphs: [...customer],
    description:
      "Signs in with email and password. Accounts whose email is not verified yet may sign in; see `viewer.emailVerified`.",
    args: { input: t.arg({ type: SignInInput, required: true }) },
    errors: {
      types: [ValidationError, InvalidCredentialsError],
      directResult: true,
      union: { name: "SignInResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, context) => {
      const signedIn = await signIn(context.services, input, { network: context.client.network });
      await setSessionCookie(context, customerSessionCookie(context.services.config), signedIn.token, signedIn.absoluteExpiresAt);
      return signedIn;
    },
  }),
);

builder.mutationField("signOut", (t) =>
  t.boolean({
    subGraphs: [...customer],
    description: "Ends the current session and clears its cookie. API keys are not affected.",
    resolve: async (_root, _args, context) => {
      const account = viewingAccount(context.viewer);
      if (account?.sessionId) await signOut(context.services, { accountId: account.accountId, sessionId: account.sessionId });
      await clearSessionCookie(context, customerSessionCookie(context.services.config));
      return true;
    },
  }),
);

const SignOutEverywherePayload = builder.objectRef<{ endedSessions: number }>("SignOutEverywherePayload").implement({
  subGraphs: [...customer],
  fields: (t) => ({
    endedSessions: t.exposeInt("endedSessions", { description: "How many sessions were ended, this one included." }),
  }),
});

builder.mutationField("signOutEverywhere", (t) =>
  t.field({
    type: SignOutEverywherePayload,
    subGraphs: [...customer],
    authScopes: { account: true },
    description: "Ends every session of the account, this one included. API keys stay valid; revoke them with `revokeApiKey`.",
    resolve: async (_root, _args, context) => {
      const endedSessions = await signOutEverywhere(context.services, signedInAccount(context.viewer).accountId);
      await clearSessionCookie(context, customerSessionCookie(context.services.config));
      return { endedSessions };
    },
  }),
);

// ---------------------------------------------------------------- passwords

const ChangePasswordInput = builder.inputType("ChangePasswordInput", {
  subGraphs: [...customer],
  fields: (t) => ({ currentPassword: t.string({ required: true }), newPassword: t.string({ required: true }) }),
});

const ChangePasswordPayload = builder.objectRef<{ changed: true }>("ChangePasswordPayload").implement({
  subGraphs: [...customer],
  fields: (t) => ({ changed: t.exposeBoolean("changed") }),
});

builder.mutationField("changePassword", (t) =>
  t.field({
    type: ChangePasswordPayload,
    subGraphs: [...customer],
    authScopes: { account: true },
    description: "Changes the password. Every other session ends and the account gets a notice by email.",
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    errors: {
      types: [ValidationError, WrongPasswordError, SessionRequiredError],
      directResult: true,
      union: { name: "ChangePasswordResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, { services, viewer }) => {
      await changePassword(services, sessionOf(viewer), input);
      return { changed: true as const };
    },
  }),
);

const RequestPasswordResetInput = builder.inputType("RequestPasswordResetInput", {
  subGraphs: [...customer],
  fields: (t) => ({ email: t.string({ required: true }) }),
});

const RequestPasswordResetPayload = builder.objectRef<{ email: string }>("RequestPasswordResetPayload").implement({
  subGraphs: [...customer],
  description: "If the address has an account, a reset token is on its way. The answer is the same either way.",
  fields: (t) => ({ email: t.exposeString("email") }),
});

/** Asking for resets and trying reset tokens count together, per network (each address's emails: email/rate-limits.ts). */
const enforcePasswordResetLimit = (services: Services, network: string) =>
  enforceLimits(services, [["password-reset.network", network]], "Too many password resets from your network", {
    accountId: null,
    network,
  });

builder.mutationField("requestPasswordReset", (t) =>
  t.field({
    type: RequestPasswordResetPayload,
    subGraphs: [...customer],
    description: "Emails a one-time password reset token (valid one hour) when the address has an account.",
    args: { input: t.arg({ type: RequestPasswordResetInput, required: true }) },
    errors: {
      types: [ValidationError],
      directResult: true,
      union: { name: "RequestPasswordResetResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, { services, client }) => {
      await enforcePasswordResetLimit(services, client.network);
      await requestPasswordReset(services, input.email);
      return { email: input.email.trim().toLowerCase() };
    },
  }),
);

const ResetPasswordInput = builder.inputType("ResetPasswordInput", {
  subGraphs: [...customer],
  fields: (t) => ({ token: t.string({ required: true }), newPassword: t.string({ required: true }) }),
});

const ResetPasswordPayload = builder.objectRef<{ reset: true }>("ResetPasswordPayload").implement({
  subGraphs: [...customer],
  description: "The password was replaced and every session ended; sign in with the new password.",
  fields: (t) => ({ reset: t.exposeBoolean("reset") }),
});

builder.mutationField("resetPassword", (t) =>
  t.field({
    type: ResetPasswordPayload,
    subGraphs: [...customer],
    description: "Sets a new password with the token from the reset email, and ends every session of the account.",
    args: { input: t.arg({ type: ResetPasswordInput, required: true }) },
    errors: {
      types: [ValidationError, InvalidTokenError],
      directResult: true,
      union: { name: "ResetPasswordResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, { services, client }) => {
      await enforcePasswordResetLimit(services, client.network);
      await resetPassword(services, input);
      return { reset: true as const };
    },
  }),
);

// ---------------------------------------------------------------- API keys

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  subGraphs: [...customer],
  fields: (t) => ({ name: t.string({ required: true, description: "What the key is for, to tell keys apart." }) }),
});

const CreateApiKeyPayload = builder.objectRef<{ apiKey: ApiKey; secret: string }>("CreateApiKeyPayload").implement({
  subGraphs: [...customer],
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyType, resolve: (result) => result.apiKey }),
    secret: t.exposeString("secret", {
      description: "The key (`sk_…`), shown this once and never again. Send it as `Authorization: Bearer`.",
    }),
  }),
});

builder.mutationField("createApiKey", (t) =>
  t.field({
    type: CreateApiKeyPayload,
    subGraphs: [...customer],
    authScopes: { account: true },
    description: "Creates an API key. Needs a session signed in with a password.",
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    errors: {
      types: [ValidationError, SessionRequiredError, ConflictError],
      directResult: true,
      union: { name: "CreateApiKeyResult", subGraphs: [...customer] },
    },
    resolve: (_root, { input }, { services, viewer }) => createApiKey(services, sessionOf(viewer).accountId, input),
  }),
);

const RevokeApiKeyInput = builder.inputType("RevokeApiKeyInput", {
  subGraphs: [...customer],
  fields: (t) => ({ id: t.id({ required: true }) }),
});

const RevokeApiKeyPayload = builder.objectRef<{ apiKey: ApiKey }>("RevokeApiKeyPayload").implement({
  subGraphs: [...customer],
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyType, resolve: (result) => result.apiKey }) }),
});

builder.mutationField("revokeApiKey", (t) =>
  t.field({
    type: RevokeApiKeyPayload,
    subGraphs: [...customer],
    authScopes: { account: true },
    description: "Revokes one of the account's API keys; it stops working at once.",
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true }) },
    errors: {
      types: [ValidationError, NotFoundError, SessionRequiredError],
      directResult: true,
      union: { name: "RevokeApiKeyResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, { services, viewer }) => ({
      apiKey: await revokeApiKey(services, sessionOf(viewer).accountId, String(input.id)),
    }),
  }),
);
