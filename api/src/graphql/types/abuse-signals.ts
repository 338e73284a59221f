/**
 * Abuse signals on the staff API (P12): per day, per network or API key
 * (that day's keyed hash) and per service, the orders, cancels, failed
 * sign-ins and refusals, and the patterns they show. Never an account id, an
 * email or an address. SUPPORT and COMPLIANCE (`abuse.read`).
 */
import { type AbuseSignalRow, listAbuseSignals, type SignalKeyKind } from "../../domain/abuse/signals.ts";
import { builder } from "../builder.ts";
import { signedInStaff } from "../viewer.ts";

const staff = ["staff"] as Array<"staff">;

const SignalKeyKindEnum = builder.enumType("AbuseSignalKeyKind", {
  subGraphs: staff,
  description: "What a signal's key stands for.",
  values: {
    NETWORK: { value: "network", description: "A client network (/24 or /64), as that day's keyed hash." },
    API_KEY: { value: "api-key", description: "An API key, as that day's keyed hash." },
    SERVICE: { value: "service", description: "A service of the catalogue, by its code." },
  } as const,
});

const AbuseSignalType = builder.objectRef<AbuseSignalRow>("AbuseSignal").implement({
  subGraphs: staff,
  description: "One key's counts for one UTC day. Keys of one day match nothing of another day's.",
  fields: (t) => ({
    id: t.exposeID("id"),
    day: t.exposeString("day", { description: "The UTC day, YYYY-MM-DD." }),
    keyKind: t.field({ type: SignalKeyKindEnum, resolve: (row) => row.keyKind as SignalKeyKind }),
    key: t.exposeString("key", { description: "The day's keyed hash of the network or API key, or the service's code." }),
    orders: t.exposeInt("orders"),
    cancels: t.exposeInt("cancels"),
    cancelRate: t.exposeFloat("cancelRate", { nullable: true, description: "Cancels per order; null without orders." }),
    signInFailures: t.exposeInt("signInFailures"),
    rateLimited: t.exposeInt("rateLimited", { description: "Attempts a rate limit refused." }),
    lastAt: t.field({ type: "DateTime", resolve: (row) => row.lastAt }),
    patterns: t.exposeStringList("patterns", {
      description: "What stands out: high-cancel-rate, repeated-sign-in-failures, rate-limited, many-orders.",
    }),
  }),
});

builder.queryField("abuseSignals", (t) =>
  t.field({
    type: [AbuseSignalType],
    subGraphs: staff,
    authScopes: { staffCan: "abuse.read" },
    description:
      "Abuse signals of the last `days` UTC days (1 to 30, today included): keys with a pattern first, then the busiest.",
    args: {
      days: t.arg.int({ required: false, defaultValue: 1 }),
      keyKind: t.arg({ type: SignalKeyKindEnum, required: false }),
      patternsOnly: t.arg.boolean({ required: false, defaultValue: false }),
      first: t.arg.int({ required: false, defaultValue: 100, description: "At most 100." }),
    },
    resolve: async (_root, args, { services, viewer }) => {
      const rows = await listAbuseSignals(services, signedInStaff(viewer), {
        days: args.days ?? 1,
        keyKind: args.keyKind ?? null,
        patternsOnly: args.patternsOnly ?? false,
      });
      return rows.slice(0, Math.min(Math.max(args.first ?? 100, 1), 100));
    },
  }),
);
