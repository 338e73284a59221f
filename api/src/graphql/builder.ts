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
import { getDatamodel, type PrismaClient, type PrismaTypes, type StaffRole } from "@smsape/db";
import { GraphQLError } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import type { Context } from "./context.ts";

export type SubGraph = "customer" | "staff";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  SubGraphs: SubGraph;
  AuthScopes: { account: boolean; staff: boolean; staffRole: StaffRole };
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, SubGraphPlugin],
  defaultFieldNullability: false,
  subGraphs: { defaultForTypes: ["customer", "staff"], fieldsInheritFromTypes: true },
  scopeAuth: {
    authScopes: (context) => ({
      account: context.viewer.kind === "account",
      staff: context.viewer.kind === "staff",
      staffRole: (role) => context.viewer.kind === "staff" && (context.viewer.role === role || context.viewer.role === "ADMIN"),
    }),
    // Unauthorised reads say only that they are not allowed, never why.
    unauthorizedError: () => notAuthorized(),
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

/** What every refused read or write returns: it says only that it is not allowed, never why. */
export function notAuthorized(): GraphQLError {
  return new GraphQLError("You are not allowed to do that. Sign in with an account that may.", {
    extensions: { code: "NOT_AUTHORIZED" },
  });
}
