import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";

/** The version in force: the latest one whose effective date has come (P2). */
export function currentPolicyVersion(
  services: Services,
  query: Omit<Prisma.PolicyVersionFindFirstArgs, "where" | "orderBy"> = {},
) {
  return services.db.policyVersion.findFirst({
    ...query,
    where: { effectiveAt: { lte: services.now() } },
    orderBy: { effectiveAt: "desc" },
  });
}
