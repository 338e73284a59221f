import { GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import "./types/root.ts";
import "./types/errors.ts";
import "./types/abuse-signals.ts";
import "./types/accounts.ts";
import "./types/audit.ts";
import "./types/catalogue.ts";
import "./types/catalogue-staff.ts";
import "./types/incidents.ts";
import "./types/ledger.ts";
import "./types/activations.ts";
import "./types/payments.ts";
import "./types/policy.ts";
import "./types/policy-publishing.ts";
import "./types/privacy.ts";
import "./types/privacy-rights.ts";
import "./types/privacy-staff.ts";
import "./types/records-of-processing.ts";
import "./types/retention.ts";
import "./types/support-tickets.ts";
import "./types/sms.ts";
import "./types/staff.ts";
import "./types/staff-accounts.ts";
import "./types/subscriptions.ts";
import "./types/webhooks.ts";

let built: { customer: GraphQLSchema; staff: GraphQLSchema } | undefined;

/** The customer schema (/graphql) and the staff schema (/admin/graphql). */
export function buildSchemas() {
  built ??= {
    customer: withoutEmptyRoots(builder.toSchema({ subGraph: "customer", sortSchema: true })),
    staff: withoutEmptyRoots(builder.toSchema({ subGraph: "staff", sortSchema: true })),
  };
  return built;
}

export function printSchemas(): { customer: string; staff: string } {
  const { customer, staff } = buildSchemas();
  return {
    customer: printSchema(lexicographicSortSchema(customer)),
    staff: printSchema(lexicographicSortSchema(staff)),
  };
}

/** A sub-graph with no mutation or subscription fields has no such root type at all. */
function withoutEmptyRoots(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const isEmpty = (type: typeof config.mutation) => !type || Object.keys(type.getFields()).length === 0;
  const mutation = isEmpty(config.mutation) ? undefined : config.mutation;
  const subscription = isEmpty(config.subscription) ? undefined : config.subscription;
  return new GraphQLSchema({
    ...config,
    mutation,
    subscription,
    types: config.types
      .filter((type) => type !== config.mutation || mutation)
      .filter((type) => type !== config.subscription || subscription),
  });
}
