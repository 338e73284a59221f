/**
 * The one Pothos builder: plugins and scalars only. Both GraphQL schemas (the
 * customer's at /graphql, the staff's at /admin/graphql) are sub-graphs of it;
 * a type or root field exists in a schema only when it names that sub-graph.
 */
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import SubGraphPlugin from "@pothos/plugin-sub-graph";
import { getDatamodel, type PrismaClient, type PrismaTypes } from "@smsape/db";
import { GraphQLError, Kind } from "graphql";
import { DateTimeResolver, GraphQLBigInt } from "graphql-scalars";
import { can, type StaffPermission } from "../domain/staff/permissions.ts";
import type { Context } from "./context.ts";
import { notAuthorized, viewingAccount } from "./viewer.ts";

export type SubGraph = "customer" | "staff";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  SubGraphs: SubGraph;
  AuthScopes: { account: boolean; staff: boolean; staffCan: StaffPermission };
  Scalars: { DateTime: { Input: Date; Output: Date }; BigInt: { Input: bigint; Output: bigint } };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, SubGraphPlugin],
  defaultFieldNullability: false,
  subGraphs: { defaultForTypes: ["customer", "staff"], fieldsInheritFromTypes: true },
  scopeAuth: {
    authScopes: (context) => ({
      account: viewingAccount(context.viewer) !== null,
      staff: context.viewer.kind === "staff",
      // A staff field names the permission it needs; staff/permissions.ts says which roles hold it.
      staffCan: (permission) => context.viewer.kind !== "anonymous" && can(context.viewer, permission),
    }),
    // Unauthorised reads say only that they are not allowed, never why.
    unauthorizedError: () => notAuthorized(),
    // A subscription's scopes are checked once, when it starts, rather than again for each event:
    // they depend only on the socket's viewer, fixed at connection init. Whether its credential
    // still stands is checked per event by the subscription's own read (types/subscriptions.ts).
    authorizeOnSubscribe: true,
  },
  errors: { defaultTypes: [] },
  prisma: {
    client: (context) => context.services.db as PrismaClient,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    cursorType: "String",
    clientMutationId: "omit",
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.addScalarType("DateTime", DateTimeResolver);

/**
 * Money (every `*Minor` and `*Delta` field and argument): 64-bit whole minor
 * units. graphql-scalars writes a safe integer as a JSON number and a larger
 * one as a decimal string, so no digit is lost and BigInt.prototype needs no
 * patch. Inputs are read by `wholeNumber` instead: the library would take a
 * JSON number past 2^53, already rounded by JSON parsing, as if the client had
 * sent it, and it hands safe ones back as numbers where the domain takes bigint.
 */
builder.addScalarType("BigInt", GraphQLBigInt, {
  description:
    "A 64-bit whole number of minor units (cents). Sent as a JSON number while it is a safe integer " +
    "(from -9007199254740991 to 9007199254740991, that is 2^53 - 1); beyond that as a string of decimal digits, " +
    "so that no digit is lost. Accepted as a safe JSON integer or as a string of decimal digits.",
  parseValue: (value) => wholeNumber(value),
  parseLiteral: (node) => wholeNumber(node.kind === Kind.INT || node.kind === Kind.STRING ? node.value : undefined),
});

function wholeNumber(value: unknown): bigint {
  const parsed =
    (typeof value === "number" && Number.isSafeInteger(value)) || (typeof value === "string" && /^-?\d{1,19}$/.test(value))
      ? BigInt(value)
      : null;
  if (parsed === null || BigInt.asIntN(64, parsed) !== parsed) {
    throw new GraphQLError("Use a whole number within 64 bits: a JSON integer up to 2^53 - 1, or a string of decimal digits.");
  }
  return parsed;
}
