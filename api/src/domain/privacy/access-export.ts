/**
 * Access (P14): a complete copy of the personal data linked to an account,
 * computed from the data inventory (every field it marks exported, from every
 * model it says how to reach), as machine-readable JSON plus a readable
 * summary. The copy is stored encrypted (P20) for one download: the holder
 * gets an emailed link, which works once, only for them signed in, for seven
 * days; the copy is cleared at download and its row deleted at expiry.
 */
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { AccountActor, Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { hashToken, newSecretToken } from "../auth/tokens.ts";
import { type EncryptedColumn, encryptedColumns, openColumn, sealColumn } from "../crypto/encrypted-columns.ts";
import type { KeyRing } from "../crypto/field-encryption.ts";
import { keyedHash } from "../crypto/keyed-hash.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";
import { requestToFulfil } from "./fulfilment.ts";
import {
  accountRowsWhere,
  dataInventory,
  exportedFields,
  type FieldClassification,
  type InventoriedModel,
  reachFromAccount,
} from "./inventory.ts";

/** How long the download link works; the copy is deleted after. */
export const exportLifetimeMs = 7 * 24 * 60 * 60_000;
export const purgeExpiredExportsJob = "privacy.exports.purge";
const downloadTokenPrefix = "exp";

type ExportValue = string | number | boolean | null | ExportValue[] | { [key: string]: ExportValue };
export type ExportRow = Record<string, ExportValue>;

export interface AccessExport {
  format: "smsape.access-export/1";
  generatedAt: string;
  accountId: string;
  /** Per model, the account's rows with every field the inventory marks exported. Encrypted fields are opened (`bodyCiphertext` becomes `body`). */
  records: Partial<Record<InventoriedModel, ExportRow[]>>;
  /** The personal fields held about the account but left out, and why. */
  notIncluded: Array<{ model: InventoriedModel; field: string; because: string }>;
}

/** The name an exported field has in the copy: an encrypted column is given opened, under its plain name. */
export function exportedName(model: InventoriedModel, field: string): string {
  const classification = (dataInventory[model] as Record<string, FieldClassification>)[field];
  return classification?.encrypted ? field.replace(/Ciphertext$/, "") : field;
}

/** The encrypted column of the key ring that `model.field` is, if any. */
function encryptedColumnOf(model: InventoriedModel, field: string): EncryptedColumn | null {
  const delegate = delegateName(model);
  const found = (Object.entries(encryptedColumns) as Array<[EncryptedColumn, { model: string; column: string }]>).find(
    ([, column]) => column.model === delegate && column.column === field,
  );
  return found?.[0] ?? null;
}

const delegateName = (model: InventoriedModel) => model.charAt(0).toLowerCase() + model.slice(1);

type Delegate = { findMany(args: unknown): Promise<Array<Record<string, unknown>>> };
const delegateOf = (tx: Prisma.TransactionClient, model: InventoriedModel) =>
  (tx as unknown as Record<string, Delegate>)[delegateName(model)] as Delegate;

function plain(value: unknown): ExportValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value as ExportValue;
}

/** The rows of `model` reached from the account, with the exported fields (and the id, to open encrypted ones). */
async function rowsOf(
  tx: Prisma.TransactionClient,
  ring: KeyRing,
  model: InventoriedModel,
  account: { id: string; email: string },
  related: { requestIds: string[]; activationIds: string[] },
): Promise<Array<Record<string, unknown>>> {
  const fields = exportedFields(model);
  const select = Object.fromEntries(fields.map((field) => [field, true]));
  const reach = reachFromAccount[model];
  switch (reach.kind) {
    case "account":
    case "direct":
    case "via":
      return delegateOf(tx, model).findMany({ where: accountRowsWhere(model, account.id), select: { ...select, id: true } });
    case "address-hash":
      return delegateOf(tx, model).findMany({
        where: { [reach.field]: keyedHash(ring, "email-rate-limit", account.email) },
        select,
      });
    case "audit-trail":
      return delegateOf(tx, model).findMany({
        where: {
          OR: [
            { actorType: "ACCOUNT", actorId: account.id },
            { subjectId: { in: [account.id, ...related.requestIds, ...related.activationIds] } },
          ],
        },
        select,
        orderBy: { seq: "asc" },
      });
    case "unreachable":
      return [];
  }
}

/** Computes the copy of everything the inventory says the account's holder receives. */
export async function buildAccessExport(
  tx: Prisma.TransactionClient,
  ring: KeyRing,
  accountId: string,
  now: Date,
): Promise<AccessExport> {
  const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { id: true, email: true } });
  const related = {
    requestIds: (await tx.privacyRequest.findMany({ where: { accountId }, select: { id: true } })).map((row) => row.id),
    activationIds: (await tx.activation.findMany({ where: { accountId }, select: { id: true } })).map((row) => row.id),
  };
  const records: AccessExport["records"] = {};
  const notIncluded: AccessExport["notIncluded"] = [];
  for (const model of Object.keys(dataInventory) as InventoriedModel[]) {
    if (reachFromAccount[model].kind === "unreachable") continue;
    const classifications = Object.entries(dataInventory[model] as Record<string, FieldClassification>);
    for (const [field, classification] of classifications) {
      if (classification.subject === "customer" && !classification.export) {
        notIncluded.push({ model, field, because: classification.notExportedBecause ?? "" });
      }
    }
    const fields = exportedFields(model);
    if (fields.length === 0) continue;
    const rows = await rowsOf(tx, ring, model, account, related);
    // Each field's name in the copy and encrypted column, worked out once per model rather than once per row.
    const plan = fields.map((field) => ({ field, name: exportedName(model, field), column: encryptedColumnOf(model, field) }));
    records[model] = rows.map((row) => {
      const copy: ExportRow = {};
      for (const { field, name, column } of plan) {
        const value = row[field];
        if (column && typeof value === "string") {
          const opened = openColumn(ring, column, String(row.id), value);
          copy[name] = column === "activationRouting" ? plain(JSON.parse(opened)) : opened;
        } else {
          copy[name] = plain(value);
        }
      }
      return copy;
    });
  }
  return { format: "smsape.access-export/1", generatedAt: now.toISOString(), accountId, records, notIncluded };
}

/** A readable account of the copy, for a person rather than a program. */
export function exportSummary(copy: AccessExport): string {
  const account = copy.records.Account?.[0] ?? {};
  const count = (model: InventoriedModel) => copy.records[model]?.length ?? 0;
  const lines = [
    "Your SMSAPE data",
    `Prepared ${copy.generatedAt}. The file data.json beside this summary holds every value; this is an overview.`,
    "",
    `Account: ${String(account.email ?? "")}, opened ${String(account.createdAt ?? "")}, jurisdiction ${String(account.jurisdiction ?? "")}.`,
    `Policy acknowledgements: ${count("PolicyAcknowledgement")}`,
    `Sessions: ${count("Session")}; API keys: ${count("ApiKey")}`,
    `Activations: ${count("Activation")}, with ${count("SmsMessage")} SMS (texts included while we still hold them)`,
    `Ledger entries (top-ups and balance movements): ${count("LedgerEntry")}; payments: ${count("PaymentEvent")}`,
    `Privacy requests: ${count("PrivacyRequest")}; emails sent to you: ${count("OutboxEmail")}`,
    `Records of actions on your account: ${count("AuditEntry")}`,
    "",
    "Held but not included, and why:",
    ...copy.notIncluded.map((item) => `- ${item.model}.${item.field}: ${item.because}`),
  ];
  return lines.join("\n");
}

function exportReadyEmail(publicUrl: URL, token: string, expiresAt: Date) {
  return {
    template: "privacy-export-ready",
    subject: "Your copy of your data is ready",
    body:
      "The copy of your personal data you asked for is ready. Sign in to your SMSAPE account, then open:\n" +
      `${new URL(`/privacy/export/${token}`, publicUrl).toString()}\n\n` +
      `The link works once, only while you are signed in, until ${expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC; ` +
      "after that the copy is deleted.\n\n— SMSAPE",
  };
}

/**
 * P14: prepares the copy for an access request, stores it encrypted with a
 * seven-day expiry, and emails its holder the single-use download link.
 * Staff never see the copy. Returns the export's id and expiry.
 */
export async function prepareAccessExport(
  services: Services,
  actor: Actor,
  requestId: string,
): Promise<{ exportId: string; expiresAt: Date }> {
  authorize(actor, "access.export");
  const now = services.now();
  const ring = services.config.encryption;
  return services.db.$transaction(
    async (tx) => {
      const request = await requestToFulfil(tx, requestId, ["ACCESS"]);
      const copy = await buildAccessExport(tx, ring, request.accountId, now);
      const account = await tx.account.findUniqueOrThrow({ where: { id: request.accountId }, select: { email: true } });
      const { token, hash } = newSecretToken(downloadTokenPrefix);
      const expiresAt = new Date(now.getTime() + exportLifetimeMs);
      const row = await tx.privacyExport.create({
        data: { requestId, accountId: request.accountId, tokenHash: hash, createdAt: now, expiresAt },
        select: { id: true },
      });
      const content = JSON.stringify({ data: copy, summary: exportSummary(copy) });
      await tx.privacyExport.update({
        where: { id: row.id },
        data: { contentCiphertext: sealColumn(ring, "exportContent", row.id, content) },
      });
      await enqueueEmail(
        tx,
        {
          accountId: request.accountId,
          to: account.email,
          ...exportReadyEmail(services.config.http.publicUrl, token, expiresAt),
        },
        services,
      );
      await appendAuditEntry(
        tx,
        actor,
        {
          action: "privacy_export.prepared",
          subjectType: "PrivacyRequest",
          subjectId: requestId,
          details: { exportId: row.id, models: Object.keys(copy.records) },
        },
        now,
      );
      return { exportId: row.id, expiresAt };
    },
    { timeout: 60_000 },
  );
}

export class ExportLinkError extends DomainError {
  readonly code: "EXPORT_NOT_FOUND" | "EXPORT_EXPIRED" | "EXPORT_ALREADY_DOWNLOADED";
  /** The HTTP status the download route answers with. */
  readonly status: number;
  constructor(code: ExportLinkError["code"]) {
    super(
      {
        EXPORT_NOT_FOUND: "This link is not valid for the account you are signed in with.",
        EXPORT_EXPIRED: "This link has expired and the copy was deleted. Ask for a new copy.",
        EXPORT_ALREADY_DOWNLOADED: "This link was already used; it works once. Ask for a new copy if you need one.",
      }[code],
    );
    this.code = code;
    this.status = code === "EXPORT_NOT_FOUND" ? 404 : 410;
  }
}

/**
 * Hands the copy to its holder, once: the link's token and a signed-in
 * session of the same account are both required. The copy is cleared as it is
 * handed over. A link of another account is "not found", as an unknown one.
 */
export async function downloadAccessExport(
  services: Services,
  holder: AccountActor,
  token: string,
): Promise<{ data: AccessExport; summary: string }> {
  const now = services.now();
  const ring = services.config.encryption;
  return services.db.$transaction(async (tx) => {
    const found = await tx.privacyExport.findUnique({ where: { tokenHash: hashToken(token) } });
    if (!found || found.accountId !== holder.accountId || !holder.sessionId) throw new ExportLinkError("EXPORT_NOT_FOUND");
    if (found.expiresAt <= now) throw new ExportLinkError("EXPORT_EXPIRED");
    const claimed = await tx.privacyExport.updateMany({
      where: { id: found.id, downloadedAt: null, contentCiphertext: { not: null } },
      data: { downloadedAt: now, contentCiphertext: null },
    });
    if (claimed.count !== 1 || !found.contentCiphertext) throw new ExportLinkError("EXPORT_ALREADY_DOWNLOADED");
    await appendAuditEntry(
      tx,
      holder,
      {
        action: "privacy_export.downloaded",
        subjectType: "PrivacyRequest",
        subjectId: found.requestId,
        details: { exportId: found.id },
      },
      now,
    );
    return JSON.parse(openColumn(ring, "exportContent", found.id, found.contentCiphertext));
  });
}

/** Deletes every copy whose link has expired, downloaded or not: the file is not kept after expiry. */
export async function purgeExpiredExports(services: Services): Promise<number> {
  const removed = await services.db.privacyExport.deleteMany({ where: { expiresAt: { lte: services.now() } } });
  if (removed.count > 0) services.logger.info({ removed: removed.count }, "expired data copies deleted");
  return removed.count;
}

export async function registerAccessExportJobs(services: Services): Promise<void> {
  await services.jobs.work(purgeExpiredExportsJob, async () => {
    await purgeExpiredExports(services);
  });
  await services.jobs.schedule(purgeExpiredExportsJob, "*/10 * * * *");
}
