import { ValidationError } from "../../domain/errors.ts";
import { acknowledgePolicy, PolicyVersionNotInForceError } from "../../domain/policy/acknowledgements.ts";
import { currentPolicyVersion } from "../../domain/policy/policy-versions.ts";
import { type BrowserStorageEntry, browserStorage } from "../../domain/privacy/browser-storage.ts";
import { type SubProcessor, subProcessors } from "../../domain/privacy/sub-processors.ts";
import { builder } from "../builder.ts";
import { signedInAccount } from "../viewer.ts";
import { registerErrorType } from "./errors.ts";

builder.prismaObject("PolicyVersion", {
  description: 'A version of the privacy policy; its `version` is the "Last updated" date it carries.',
  // Select mode: the full text (kilobytes) is read only when a client asks for it.
  select: { version: true },
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

registerErrorType(PolicyVersionNotInForceError, "PolicyVersionNotInForceError", ["customer"]);

const AcknowledgePolicyInput = builder.inputType("AcknowledgePolicyInput", {
  subGraphs: ["customer"],
  fields: (t) => ({
    version: t.string({ required: true, description: "The version in force, as `privacyPolicy.version` gives it." }),
  }),
});

const AcknowledgePolicyPayload = builder.objectRef<{ version: string }>("AcknowledgePolicyPayload").implement({
  subGraphs: ["customer"],
  fields: (t) => ({ version: t.exposeString("version", { description: "The version now accepted." }) }),
});

builder.mutationField("acknowledgePolicy", (t) =>
  t.field({
    type: AcknowledgePolicyPayload,
    subGraphs: ["customer"],
    authScopes: { account: true },
    description: "Records that the signed-in account accepted the privacy policy version in force (P2).",
    args: { input: t.arg({ type: AcknowledgePolicyInput, required: true }) },
    errors: {
      types: [ValidationError, PolicyVersionNotInForceError],
      directResult: true,
      union: { name: "AcknowledgePolicyResult", subGraphs: ["customer"] },
    },
    resolve: async (_root, { input }, { services, viewer }) => {
      await acknowledgePolicy(services, signedInAccount(viewer).accountId, input.version);
      return { version: input.version.trim() };
    },
  }),
);

const BrowserStorageKindEnum = builder.enumType("BrowserStorageKind", {
  values: ["COOKIE", "LOCAL_STORAGE", "SESSION_STORAGE"] as const,
});

const BrowserStorageEntryType = builder.objectRef<BrowserStorageEntry>("BrowserStorageEntry").implement({
  description: "A cookie or browser storage entry the service sets. Nothing outside this list is ever set (P19).",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Its name; a cookie carries the `__Host-` prefix over HTTPS." }),
    kind: t.expose("kind", { type: BrowserStorageKindEnum }),
    setBy: t.exposeString("setBy", { description: "CUSTOMER_API or STAFF_CONSOLE." }),
    purpose: t.exposeString("purpose"),
    lifetime: t.exposeString("lifetime"),
    strictlyNecessary: t.exposeBoolean("strictlyNecessary"),
  }),
});

builder.queryField("browserStorage", (t) =>
  t.field({
    type: [BrowserStorageEntryType],
    subGraphs: ["customer", "staff"],
    description: "Every cookie and browser storage entry the service and its console set, and why (P19).",
    resolve: () => browserStorage,
  }),
);

const SubProcessorDirectionEnum = builder.enumType("SubProcessorDirection", {
  values: {
    IN_FRONT: { description: "In front of the service: every request passes through it first." },
    INBOUND: { description: "It calls the service (signed webhooks); the service never calls it." },
    OUTBOUND: { description: "The service connects to it." },
    CUSTOMER_ENDPOINT: {
      description: "The service connects to an address the customer registered for its own events (webhooks).",
    },
  } as const,
});

const SubProcessorType = builder.objectRef<SubProcessor>("SubProcessor").implement({
  description: "A vendor the service relies on (policy section 5), and what it receives (P13).",
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    purpose: t.exposeString("purpose"),
    receives: t.exposeStringList("receives"),
    neverReceives: t.exposeStringList("neverReceives"),
    direction: t.expose("direction", { type: SubProcessorDirectionEnum }),
    location: t.exposeString("location"),
    since: t.exposeString("since", { description: "The policy version since which it is listed." }),
  }),
});

builder.queryField("subProcessors", (t) =>
  t.field({
    type: [SubProcessorType],
    subGraphs: ["customer", "staff"],
    description: "The sub-processor register: every vendor that receives personal data, and what it receives.",
    resolve: () => subProcessors,
  }),
);
