import type { StaffUser } from "@smsape/db";
import { InvalidCredentialsError, ValidationError } from "../../domain/errors.ts";
import { signInStaff, signOutStaff } from "../../domain/staff/staff-auth.ts";
import { builder } from "../builder.ts";
import { clearSessionCookie, setSessionCookie, staffSessionCookie } from "../session-cookies.ts";

const StaffRoleEnum = builder.enumType("StaffRole", {
  subGraphs: ["staff"],
  values: ["SUPPORT", "COMPLIANCE", "ADMIN"] as const,
});

const StaffUserType = builder.prismaObject("StaffUser", {
  subGraphs: ["staff"],
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    displayName: t.exposeString("displayName"),
    role: t.expose("role", { type: StaffRoleEnum }),
  }),
});

builder.queryField("staffViewer", (t) =>
  t.prismaField({
    type: "StaffUser",
    nullable: true,
    subGraphs: ["staff"],
    description: "The signed-in staff member, or null.",
    resolve: (query, _root, _args, { viewer, services }) =>
      viewer.kind === "staff" ? services.db.staffUser.findUnique({ ...query, where: { id: viewer.staffUserId } }) : null,
  }),
);

const StaffSignInSuccess = builder.objectRef<{ staff: StaffUser }>("StaffSignInSuccess").implement({
  subGraphs: ["staff"],
  fields: (t) => ({ staff: t.field({ type: StaffUserType, resolve: (result) => result.staff }) }),
});

const StaffSignInInput = builder.inputType("StaffSignInInput", {
  subGraphs: ["staff"],
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

builder.mutationField("staffSignIn", (t) =>
  t.field({
    type: StaffSignInSuccess,
    subGraphs: ["staff"],
    description: "Signs a staff member in; the session travels in an HttpOnly cookie.",
    args: { input: t.arg({ type: StaffSignInInput, required: true }) },
    errors: {
      types: [InvalidCredentialsError, ValidationError],
      directResult: true,
      union: { name: "StaffSignInResult", subGraphs: ["staff"] },
    },
    resolve: async (_root, { input }, context) => {
      const { staff, token, expiresAt } = await signInStaff(context.services, input);
      await setSessionCookie(context, staffSessionCookie(context.services.config), token, expiresAt);
      return { staff };
    },
  }),
);

builder.mutationField("staffSignOut", (t) =>
  t.boolean({
    subGraphs: ["staff"],
    description: "Ends the current staff session.",
    resolve: async (_root, _args, context) => {
      if (context.viewer.kind === "staff") await signOutStaff(context.services, context.viewer);
      await clearSessionCookie(context, staffSessionCookie(context.services.config));
      return true;
    },
  }),
);
