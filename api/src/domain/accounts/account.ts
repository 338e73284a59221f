import type { Account, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";

/** The account as its holder reads it. `query` carries the caller's selection. */
export function findOwnAccount(
  services: Services,
  accountId: string,
  query: Omit<Prisma.AccountFindUniqueArgs, "where"> = {},
): Promise<Account | null> {
  return services.db.account.findUnique({ ...query, where: { id: accountId } });
}
