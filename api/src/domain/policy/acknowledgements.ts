/**
 * Acknowledgement of the privacy policy (P2): an account accepts a version at
 * sign-up, and is told when a newer version comes into force until it accepts it.
 */
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { DomainError } from "../errors.ts";
import { currentPolicyVersion } from "./policy-versions.ts";

export class PolicyVersionNotInForceError extends DomainError {
  readonly code = "POLICY_VERSION_NOT_IN_FORCE";
  constructor(readonly versionInForce: string | null) {
    super(
      versionInForce
        ? `The privacy policy in force is version ${versionInForce}; read it and accept that version.`
        : "No privacy policy is in force yet.",
    );
  }
}

/** The version in force, or throws when `version` is not it. */
export async function requireVersionInForce(services: Services, version: string): Promise<string> {
  const current = await currentPolicyVersion(services, { select: { version: true } });
  if (!current || current.version !== version.trim()) throw new PolicyVersionNotInForceError(current?.version ?? null);
  return current.version;
}

/** Records that the account accepted `version`; accepting it twice changes nothing. */
export async function recordAcknowledgement(tx: Prisma.TransactionClient, accountId: string, version: string, now: Date) {
  await tx.policyAcknowledgement.upsert({
    where: { accountId_policyVersion: { accountId, policyVersion: version } },
    create: { accountId, policyVersion: version, acknowledgedAt: now },
    update: {},
  });
}

export async function acknowledgePolicy(services: Services, accountId: string, version: string): Promise<void> {
  const inForce = await requireVersionInForce(services, version);
  await services.db.$transaction((tx) => recordAcknowledgement(tx, accountId, inForce, services.now()));
  services.logger.info({ accountId, policyVersion: inForce }, "privacy policy acknowledged");
}

/** What the account has accepted, and whether it still has to accept the version in force. */
export async function acknowledgementState(services: Services, accountId: string) {
  const [current, latest] = await Promise.all([
    currentPolicyVersion(services, { select: { version: true } }),
    services.db.policyAcknowledgement.findFirst({
      where: { accountId },
      orderBy: [{ policy: { effectiveAt: "desc" } }],
      select: { policyVersion: true },
    }),
  ]);
  const acknowledgedCurrent = current
    ? (await services.db.policyAcknowledgement.count({ where: { accountId, policyVersion: current.version } })) > 0
    : true;
  return { acknowledgedVersion: latest?.policyVersion ?? null, required: !acknowledgedCurrent };
}
