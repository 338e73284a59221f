/**
 * Staff identity on the staff API: sign-in (password, then TOTP or a recovery
 * code), the signed-in member with what their role may do, and ADMIN's
 * management of staff members and sessions. Resolvers only translate; the
 * rules live in domain/staff.
 */
import type { StaffSession, StaffUser } from "@smsape/db";
import { enforceLimits } from "../../domain/abuse/limits.ts";
import type { Actor } from "../../domain/actors.ts";
import { ConflictError, InvalidCredentialsError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import {
  LastActiveAdminError,
  OwnRoleChangeError,
  StaffCodeInvalidError,
  StaffLockedError,
  StaffSignInExpiredError,
} from "../../domain/staff/errors.ts";
import { lockedUntil } from "../../domain/staff/lockout.ts";
import { permissionsOf } from "../../domain/staff/permissions.ts";
import {
  enrolStaffTotp,
  type StaffSignInStep,
  signInStaff,
  signOutStaff,
  verifyStaffTotp,
} from "../../domain/staff/staff-auth.ts";
import {
  addStaffMember,
  changeStaffRole,
  disableStaffMember,
  enableStaffMember,
  findStaffMember,
  listStaffMembers,
  listStaffSessions,
  resetStaffTotp,
  revokeStaffSession,
  staffSessionLive,
} from "../../domain/staff/staff-members.ts";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { clearSessionCookie, setSessionCookie, staffSessionCookie } from "../session-cookies.ts";
import { notAuthorized } from "../viewer.ts";
import { ErrorInterface, registerErrorType } from "./errors.ts";

const staffOnly = ["staff"] as const satisfies Array<"customer" | "staff">;

registerErrorType(StaffCodeInvalidError, "StaffCodeInvalidError", [...staffOnly]);
registerErrorType(StaffSignInExpiredError, "StaffSignInExpiredError", [...staffOnly]);
registerErrorType(LastActiveAdminError, "LastActiveAdminError", [...staffOnly]);
registerErrorType(OwnRoleChangeError, "OwnRoleChangeError", [...staffOnly]);
builder.objectType(StaffLockedError, {
  name: "StaffLockedError",
  subGraphs: [...staffOnly],
  interfaces: [ErrorInterface] as never,
  isTypeOf: (value) => value instanceof StaffLockedError,
  fields: (t) => ({
    lockedUntil: t.field({ type: "DateTime", description: "When sign-in opens again.", resolve: (error) => error.lockedUntil }),
  }),
});

/** The actor a guarded staff field acts for; the field's auth scope already refused anyone else. */
function actorOf(context: Context): Actor {
  if (context.viewer.kind === "anonymous") throw notAuthorized();
  return context.viewer;
}

const StaffRoleEnum = builder.enumType("StaffRole", {
  subGraphs: [...staffOnly],
  values: ["SUPPORT", "COMPLIANCE", "ADMIN"] as const,
});

const StaffSessionType = builder.prismaObject("StaffSession", {
  subGraphs: [...staffOnly],
  description: "A staff member's signed-in session.",
  fields: (t) => ({
    id: t.exposeID("id"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastSeenAt: t.expose("lastSeenAt", { type: "DateTime" }),
    idleExpiresAt: t.expose("idleExpiresAt", { type: "DateTime" }),
    absoluteExpiresAt: t.expose("absoluteExpiresAt", { type: "DateTime" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
    live: t.boolean({
      description: "Not revoked and within its idle and absolute expiry.",
      resolve: (session, _args, { services }) => staffSessionLive(session, services.now()),
    }),
    current: t.boolean({
      description: "The session this request is made with.",
      resolve: (session, _args, { viewer }) => viewer.kind === "staff" && viewer.sessionId === session.id,
    }),
  }),
});

const StaffUserType = builder.prismaObject("StaffUser", {
  subGraphs: [...staffOnly],
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    displayName: t.exposeString("displayName"),
    role: t.expose("role", { type: StaffRoleEnum }),
    capabilities: t.stringList({
      description: "The permissions the member's role holds (the role table); the console hides what is not listed.",
      resolve: (staff) => permissionsOf(staff.role),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    disabledAt: t.expose("disabledAt", { type: "DateTime", nullable: true }),
    totpEnrolled: t.boolean({
      description: "Whether the member has enrolled an authenticator; if not, their next sign-in enrols one.",
      resolve: (staff) => staff.mfaEnrolledAt !== null,
    }),
    lockedUntil: t.field({
      type: "DateTime",
      nullable: true,
      description: "When a sign-in lock after failed attempts ends, while one holds.",
      resolve: (staff, _args, { services }) => lockedUntil(staff, services.now()),
    }),
    sessions: t.field({
      type: [StaffSessionType],
      authScopes: { staffCan: "staff.sessions" },
      description: "The member's signed-in sessions, newest first.",
      resolve: (staff, _args, context) => listStaffSessions(context.services, actorOf(context), staff.id),
    }),
  }),
});

builder.queryField("staffViewer", (t) =>
  t.prismaField({
    type: "StaffUser",
    nullable: true,
    subGraphs: [...staffOnly],
    description: "The signed-in staff member, or null.",
    resolve: (query, _root, _args, { viewer, services }) =>
      viewer.kind === "staff" ? services.db.staffUser.findUnique({ ...query, where: { id: viewer.staffUserId } }) : null,
  }),
);

builder.queryField("staffMembers", (t) =>
  t.prismaField({
    type: ["StaffUser"],
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.manage" },
    description: "Every staff member, active ones first.",
    resolve: (query, _root, _args, context) => listStaffMembers(context.services, actorOf(context), query),
  }),
);

builder.queryField("staffMember", (t) =>
  t.prismaField({
    type: "StaffUser",
    nullable: true,
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.manage" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, context) => findStaffMember(context.services, actorOf(context), String(id), query),
  }),
);

// ---------------------------------------------------------------- sign-in

const StaffSignInStepEnum = builder.enumType("StaffSignInStepKind", {
  subGraphs: [...staffOnly],
  values: {
    ENROL_TOTP: { description: "First sign-in (or after a reset): scan the QR code, then call staffEnrolTotp." },
    ENTER_TOTP: { description: "Call staffVerifyTotp with the authenticator's code or a recovery code." },
  } as const,
});

const StaffTotpEnrolment = builder.objectRef<Extract<StaffSignInStep, { kind: "enrol" }>>("StaffTotpEnrolment").implement({
  subGraphs: [...staffOnly],
  description: "A new authenticator secret to confirm with its first code.",
  fields: (t) => ({
    secret: t.exposeString("secret", { description: "The secret in base32, to type into an app that cannot scan." }),
    otpauthUri: t.exposeString("otpauthUri"),
    qrCode: t.exposeString("qrCode", { description: "The otpauth URI as a QR code: an SVG image as a data URL." }),
  }),
});

const StaffSecondFactorRequired = builder.objectRef<StaffSignInStep>("StaffSecondFactorRequired").implement({
  subGraphs: [...staffOnly],
  description: "The password was right; no session exists until the second factor is given with `challengeToken`.",
  fields: (t) => ({
    step: t.field({
      type: StaffSignInStepEnum,
      resolve: (step) => (step.kind === "enrol" ? "ENROL_TOTP" : "ENTER_TOTP"),
    }),
    challengeToken: t.exposeString("challengeToken"),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    enrolment: t.field({
      type: StaffTotpEnrolment,
      nullable: true,
      resolve: (step) => (step.kind === "enrol" ? step : null),
    }),
  }),
});

const StaffSignInInput = builder.inputType("StaffSignInInput", {
  subGraphs: [...staffOnly],
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

builder.mutationField("staffSignIn", (t) =>
  t.field({
    type: StaffSecondFactorRequired,
    subGraphs: [...staffOnly],
    description: "First step of staff sign-in: checks the password and asks for the second factor (or its enrolment).",
    args: { input: t.arg({ type: StaffSignInInput, required: true }) },
    errors: {
      types: [InvalidCredentialsError, StaffLockedError, ValidationError],
      directResult: true,
      union: { name: "StaffSignInResult", subGraphs: [...staffOnly] },
    },
    resolve: async (_root, { input }, { services, client }) => {
      // Per network here; each member's (and each unknown address's) own lockout is staff/lockout.ts.
      await enforceLimits(services, [["staff-sign-in.network", client.network]], "Too many sign-in attempts from your network", {
        accountId: null,
        network: client.network,
      });
      return signInStaff(services, input);
    },
  }),
);

const StaffSignInSuccess = builder.objectRef<{ staff: StaffUser }>("StaffSignInSuccess").implement({
  subGraphs: [...staffOnly],
  fields: (t) => ({ staff: t.field({ type: StaffUserType, resolve: (result) => result.staff }) }),
});

const StaffTotpEnrolled = builder.objectRef<{ staff: StaffUser; recoveryCodes: string[] }>("StaffTotpEnrolled").implement({
  subGraphs: [...staffOnly],
  fields: (t) => ({
    staff: t.field({ type: StaffUserType, resolve: (result) => result.staff }),
    recoveryCodes: t.exposeStringList("recoveryCodes", {
      description: "Single-use codes for when the authenticator is lost. Shown this once; only their hashes are kept.",
    }),
  }),
});

const StaffEnrolTotpInput = builder.inputType("StaffEnrolTotpInput", {
  subGraphs: [...staffOnly],
  fields: (t) => ({
    challengeToken: t.string({ required: true }),
    code: t.string({ required: true, description: "The first code the authenticator shows for the new secret." }),
  }),
});

const StaffVerifyTotpInput = builder.inputType("StaffVerifyTotpInput", {
  subGraphs: [...staffOnly],
  fields: (t) => ({
    challengeToken: t.string({ required: true }),
    code: t.string({ description: "The authenticator's current code." }),
    recoveryCode: t.string({ description: "One of the recovery codes, instead of `code`; each works once." }),
  }),
});

const secondFactorErrors = [StaffCodeInvalidError, StaffSignInExpiredError, StaffLockedError, ValidationError];

builder.mutationField("staffEnrolTotp", (t) =>
  t.field({
    type: StaffTotpEnrolled,
    subGraphs: [...staffOnly],
    description: "Confirms a new authenticator with its first code and signs in; the session travels in an HttpOnly cookie.",
    args: { input: t.arg({ type: StaffEnrolTotpInput, required: true }) },
    errors: { types: secondFactorErrors, directResult: true, union: { name: "StaffEnrolTotpResult", subGraphs: [...staffOnly] } },
    resolve: async (_root, { input }, context) => {
      const { staff, token, expiresAt, recoveryCodes } = await enrolStaffTotp(context.services, input);
      await setSessionCookie(context, staffSessionCookie(context.services.config), token, expiresAt);
      return { staff, recoveryCodes };
    },
  }),
);

builder.mutationField("staffVerifyTotp", (t) =>
  t.field({
    type: StaffSignInSuccess,
    subGraphs: [...staffOnly],
    description: "Checks the second factor and signs in; the session travels in an HttpOnly cookie.",
    args: { input: t.arg({ type: StaffVerifyTotpInput, required: true }) },
    errors: {
      types: secondFactorErrors,
      directResult: true,
      union: { name: "StaffVerifyTotpResult", subGraphs: [...staffOnly] },
    },
    resolve: async (_root, { input }, context) => {
      const { staff, token, expiresAt } = await verifyStaffTotp(context.services, input);
      await setSessionCookie(context, staffSessionCookie(context.services.config), token, expiresAt);
      return { staff };
    },
  }),
);

builder.mutationField("staffSignOut", (t) =>
  t.boolean({
    subGraphs: [...staffOnly],
    description: "Ends the current staff session.",
    resolve: async (_root, _args, context) => {
      if (context.viewer.kind === "staff") await signOutStaff(context.services, context.viewer);
      await clearSessionCookie(context, staffSessionCookie(context.services.config));
      return true;
    },
  }),
);

// ---------------------------------------------------------------- administration

const CreateStaffMemberInput = builder.inputType("CreateStaffMemberInput", {
  subGraphs: [...staffOnly],
  fields: (t) => ({
    email: t.string({ required: true }),
    displayName: t.string({ required: true }),
    role: t.field({ type: StaffRoleEnum, required: true }),
    password: t.string({
      required: true,
      description: "The initial password; the member enrols an authenticator at first sign-in.",
    }),
  }),
});

const StaffMemberIdInput = builder.inputType("StaffMemberIdInput", {
  subGraphs: [...staffOnly],
  fields: (t) => ({ id: t.id({ required: true }) }),
});

const StaffMemberPayload = builder.objectRef<{ staff: StaffUser }>("StaffMemberPayload").implement({
  subGraphs: [...staffOnly],
  fields: (t) => ({ staff: t.field({ type: StaffUserType, resolve: (result) => result.staff }) }),
});

builder.mutationField("createStaffMember", (t) =>
  t.field({
    type: StaffMemberPayload,
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.manage" },
    description: "Adds a staff member with a role and an initial password.",
    args: { input: t.arg({ type: CreateStaffMemberInput, required: true }) },
    errors: {
      types: [ValidationError, ConflictError],
      directResult: true,
      union: { name: "CreateStaffMemberResult", subGraphs: [...staffOnly] },
    },
    resolve: async (_root, { input }, context) => ({ staff: await addStaffMember(context.services, actorOf(context), input) }),
  }),
);

builder.mutationField("disableStaffMember", (t) =>
  t.field({
    type: StaffMemberPayload,
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.manage" },
    description: "Disables a staff member at once: their sessions end and their open sockets close. The last active ADMIN stays.",
    args: { input: t.arg({ type: StaffMemberIdInput, required: true }) },
    errors: {
      types: [NotFoundError, ConflictError, LastActiveAdminError],
      directResult: true,
      union: { name: "DisableStaffMemberResult", subGraphs: [...staffOnly] },
    },
    resolve: async (_root, { input }, context) => ({
      staff: await disableStaffMember(context.services, actorOf(context), String(input.id)),
    }),
  }),
);

builder.mutationField("enableStaffMember", (t) =>
  t.field({
    type: StaffMemberPayload,
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.manage" },
    description: "Enables a disabled staff member again; they sign in afresh.",
    args: { input: t.arg({ type: StaffMemberIdInput, required: true }) },
    errors: { types: [NotFoundError], directResult: true, union: { name: "EnableStaffMemberResult", subGraphs: [...staffOnly] } },
    resolve: async (_root, { input }, context) => ({
      staff: await enableStaffMember(context.services, actorOf(context), String(input.id)),
    }),
  }),
);

builder.mutationField("changeStaffRole", (t) =>
  t.field({
    type: StaffMemberPayload,
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.manage" },
    description:
      "Gives another member a new role. Their open sessions act with it from their next request; the last active ADMIN keeps theirs.",
    args: {
      input: t.arg({
        type: builder.inputType("ChangeStaffRoleInput", {
          subGraphs: [...staffOnly],
          fields: (f) => ({ id: f.id({ required: true }), role: f.field({ type: StaffRoleEnum, required: true }) }),
        }),
        required: true,
      }),
    },
    errors: {
      types: [ValidationError, NotFoundError, LastActiveAdminError, OwnRoleChangeError],
      directResult: true,
      union: { name: "ChangeStaffRoleResult", subGraphs: [...staffOnly] },
    },
    resolve: async (_root, { input }, context) => ({
      staff: await changeStaffRole(context.services, actorOf(context), String(input.id), input.role),
    }),
  }),
);

builder.mutationField("resetStaffTotp", (t) =>
  t.field({
    type: StaffMemberPayload,
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.manage" },
    description: "Forgets a member's authenticator and recovery codes and ends their sessions; they enrol again at next sign-in.",
    args: { input: t.arg({ type: StaffMemberIdInput, required: true }) },
    errors: { types: [NotFoundError], directResult: true, union: { name: "ResetStaffTotpResult", subGraphs: [...staffOnly] } },
    resolve: async (_root, { input }, context) => ({
      staff: await resetStaffTotp(context.services, actorOf(context), String(input.id)),
    }),
  }),
);

const RevokeStaffSessionPayload = builder.objectRef<{ session: StaffSession }>("RevokeStaffSessionPayload").implement({
  subGraphs: [...staffOnly],
  fields: (t) => ({ session: t.field({ type: StaffSessionType, resolve: (result) => result.session }) }),
});

builder.mutationField("revokeStaffSession", (t) =>
  t.field({
    type: RevokeStaffSessionPayload,
    subGraphs: [...staffOnly],
    authScopes: { staffCan: "staff.sessions" },
    description: "Ends one staff session at once; sockets opened with it close.",
    args: { input: t.arg({ type: StaffMemberIdInput, required: true }) },
    errors: {
      types: [NotFoundError],
      directResult: true,
      union: { name: "RevokeStaffSessionResult", subGraphs: [...staffOnly] },
    },
    resolve: async (_root, { input }, context) => ({
      session: await revokeStaffSession(context.services, actorOf(context), String(input.id)),
    }),
  }),
);
