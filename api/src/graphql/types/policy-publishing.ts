/**
 * Policy versions for staff (staff schema only): the list with acceptance
 * counts, who accepted a version, and publishing a new one (P2).
 */
import { ConflictError, ValidationError } from "../../domain/errors.ts";
import { listAcknowledgements, listPolicyVersions, publishPolicyVersion } from "../../domain/policy/publishing.ts";
import { builder } from "../builder.ts";
import { signedInStaff } from "../viewer.ts";

const staff = ["staff"] as Array<"staff">;

type VersionRow = Awaited<ReturnType<typeof listPolicyVersions>>[number];

const StaffPolicyVersionType = builder.objectRef<VersionRow>("StaffPolicyVersion").implement({
  subGraphs: staff,
  description: "A version of the privacy policy, with how many accounts accepted it and whether all were told.",
  fields: (t) => ({
    version: t.exposeString("version"),
    effectiveAt: t.expose("effectiveAt", { type: "DateTime" }),
    publishedAt: t.expose("createdAt", { type: "DateTime" }),
    publishedBy: t.exposeID("publishedBy", { nullable: true, description: "Null for versions shipped with the service." }),
    noticesCompletedAt: t.expose("noticesCompletedAt", {
      type: "DateTime",
      nullable: true,
      description: "When every account had been emailed about it; null while notices are going out.",
    }),
    acknowledgements: t.exposeInt("acknowledgements", { description: "Accounts that accepted this version." }),
  }),
});

type AcknowledgementRow = Awaited<ReturnType<typeof listAcknowledgements>>[number];
const PolicyAcknowledgementType = builder.objectRef<AcknowledgementRow>("StaffPolicyAcknowledgement").implement({
  subGraphs: staff,
  fields: (t) => ({
    accountId: t.exposeID("accountId"),
    acknowledgedAt: t.expose("acknowledgedAt", { type: "DateTime" }),
  }),
});

const PublishPolicyVersionInput = builder.inputType("PublishPolicyVersionInput", {
  subGraphs: staff,
  fields: (t) => ({
    version: t.string({ required: true, description: "The date the text carries, YYYY-MM-DD." }),
    effectiveAt: t.field({ type: "DateTime", required: true, description: "When it comes into force; not in the past." }),
    text: t.string({ required: true, description: "The policy's whole text." }),
  }),
});

builder.queryFields((t) => ({
  policyVersions: t.field({
    type: [StaffPolicyVersionType],
    subGraphs: staff,
    authScopes: { staffCan: "policy.read" },
    description: "Every version of the privacy policy, newest first.",
    resolve: (_root, _args, { services, viewer }) => listPolicyVersions(services, signedInStaff(viewer)),
  }),
  policyAcknowledgements: t.field({
    type: [PolicyAcknowledgementType],
    subGraphs: staff,
    authScopes: { staffCan: "policy.read" },
    description: "The accounts that accepted a version, newest first (at most 100).",
    args: { version: t.arg.string({ required: true }) },
    resolve: (_root, { version }, { services, viewer }) => listAcknowledgements(services, signedInStaff(viewer), version),
  }),
}));

builder.mutationField("publishPolicyVersion", (t) =>
  t.field({
    type: StaffPolicyVersionType,
    subGraphs: staff,
    authScopes: { staffCan: "policy.publish" },
    description: "Publishes a new version; every account is told by email and asked to accept it once it is in force.",
    args: { input: t.arg({ type: PublishPolicyVersionInput, required: true }) },
    errors: {
      types: [ValidationError, ConflictError],
      union: { name: "PublishPolicyVersionResult", subGraphs: staff },
    },
    resolve: async (_root, { input }, { services, viewer }) => {
      const published = await publishPolicyVersion(services, signedInStaff(viewer), input);
      return { ...published, acknowledgements: 0 };
    },
  }),
);
