import { currentPolicyVersion } from "../../domain/policy/policy-versions.ts";
import { builder } from "../builder.ts";

export const PolicyVersionType = builder.prismaObject("PolicyVersion", {
  description: "A version of the privacy policy; its `version` is the \"Last updated\" date it carries.",
  fields: (t) => ({
    version: t.exposeString("version"),
    effectiveAt: t.expose("effectiveAt", { type: "DateTime" }),
    text: t.exposeString("text"),
  }),
});

builder.queryField("privacyPolicy", (t) =>
  t.prismaField({
    type: "PolicyVersion",
    nullable: true,
    subGraphs: ["customer", "staff"],
    description: "The privacy policy in force.",
    resolve: (query, _root, _args, { services }) => currentPolicyVersion(services, query),
  }),
);
