/**
 * API keys for programmatic clients: `sk_…` secrets shown once at creation and
 * kept only as a hash, with a short prefix so the owner can tell them apart.
 * Only the owning account sees or revokes its keys; any other id is "not found".
 */
import type { ApiKey } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { newSecretToken } from "../auth/tokens.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { announceCredentialsEnded, apiKeyPrefix } from "./credentials.ts";
import { parseInput } from "./validation.ts";

export const maxActiveApiKeys = 25;
/** How much of a key is kept in clear, e.g. `sk_Ab3dE9x`: enough to recognise it, far too little to use it. */
export const displayPrefixLength = apiKeyPrefix.length + 1 + 7;

const createApiKeyInput = z.object({
  name: z.string().trim().min(1, { error: "give the key a name" }).max(100, { error: "must be at most 100 characters" }),
});

export async function createApiKey(
  services: Services,
  accountId: string,
  rawInput: z.input<typeof createApiKeyInput>,
): Promise<{ apiKey: ApiKey; secret: string }> {
  const { name } = parseInput(createApiKeyInput, rawInput);
  const { token, hash } = newSecretToken(apiKeyPrefix);
  const now = services.now();
  const apiKey = await services.db.$transaction(async (tx) => {
    const active = await tx.apiKey.count({ where: { accountId, revokedAt: null } });
    if (active >= maxActiveApiKeys) {
      throw new ConflictError("API_KEY_LIMIT", `An account can have at most ${maxActiveApiKeys} API keys; revoke one first.`);
    }
    return tx.apiKey.create({
      data: { accountId, name, prefix: token.slice(0, displayPrefixLength), keyHash: hash, createdAt: now },
    });
  });
  services.logger.info({ accountId, apiKeyId: apiKey.id }, "API key created");
  return { apiKey, secret: token };
}

export async function revokeApiKey(services: Services, accountId: string, apiKeyId: string): Promise<ApiKey> {
  const id = z.uuid().safeParse(apiKeyId);
  const key = id.success ? await services.db.apiKey.findFirst({ where: { id: id.data, accountId } }) : null;
  if (!key) throw new NotFoundError("The API key");
  if (key.revokedAt) return key;
  const revoked = await services.db.apiKey.update({ where: { id: key.id }, data: { revokedAt: services.now() } });
  announceCredentialsEnded(services, accountId);
  services.logger.info({ accountId, apiKeyId: key.id }, "API key revoked");
  return revoked;
}
