/**
 * Access (P14): a complete copy of the personal data linked to an account,
 * computed from the data inventory (every field it marks exported, from every
 * model it says how to reach), as machine-readable JSON plus a readable
 * summary. The copy is stored encrypted (P20) for one download: the holder
 * gets an emailed link, which works once, only for them signed in, for seven
 * days; the copy is cleared at download and its row deleted at expiry.
 */

import { getDatamodel, type Sql } from "@smsape/db";
import { gzipPieces } from "../../platform/gzip-pieces.ts";
import type { Services } from "../../services/index.ts";
import type { AccountActor, Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { hashToken, newSecretToken } from "../auth/tokens.ts";
import { type EncryptedColumn, encryptedColumns, openColumn, openColumnBytes, sealColumn } from "../crypto/encrypted-columns.ts";
import type { KeyRing } from "../crypto/field-encryption.ts";
import { keyedHash } from "../crypto/keyed-hash.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { DomainError, NotFoundError } from "../errors.ts";
import { newRecordId } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { RequestNotFulfillableError, requestToFulfil } from "./fulfilment.ts";
import { dataInventory, exportedFields, type FieldClassification, type InventoriedModel, reachFromAccount } from "./inventory.ts";

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
  const delegate = model.charAt(0).toLowerCase() + model.slice(1);
  const found = (Object.entries(encryptedColumns) as Array<[EncryptedColumn, { model: string; column: string }]>).find(
    ([, column]) => column.model === delegate && column.column === field,
  );
  return found?.[0] ?? null;
}

interface DatamodelField {
  name: string;
  type: string;
  kind: string;
  isList: boolean;
  isId: boolean;
  relationFromFields?: string[];
}
const datamodel = getDatamodel().datamodel.models as unknown as Record<string, { fields: DatamodelField[] }>;

function fieldOf(model: InventoriedModel, field: string): DatamodelField {
  const found = datamodel[model]?.fields.find((candidate) => candidate.name === field);
  if (!found) throw new Error(`${model}.${field} is not in the datamodel`);
  return found;
}

/** A timestamp as `Date.toISOString()` writes it (the columns hold milliseconds, in UTC). */
const isoFormat = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The SQL for one field's value as the copy writes it, so rows come back from
 * the database ready to serialise: times as ISO strings, bigints as decimal
 * strings, enums as their names, JSON parsed, lists as arrays.
 */
function exportedValue(model: InventoriedModel, field: string, table: string): string {
  const { type, kind, isList } = fieldOf(model, field);
  const column = `${table}."${field}"`;
  if (type === "DateTime") {
    return isList
      ? `CASE WHEN ${column} IS NULL THEN NULL ELSE ARRAY(SELECT to_char(v, ${isoFormat}) FROM unnest(${column}) WITH ORDINALITY AS u(v, n) ORDER BY n) END`
      : `to_char(${column}, ${isoFormat})`;
  }
  if (type === "BigInt" || kind === "enum") return isList ? `${column}::text[]` : `${column}::text`;
  if (["String", "Int", "Float", "Boolean", "Json"].includes(type)) return column;
  throw new Error(`${model}.${field}: the copy has no way to write a ${type}`);
}

const primaryKey = (model: InventoriedModel) => datamodel[model]?.fields.find((field) => field.isId)?.name ?? "id";

/**
 * The condition selecting one account's rows of a model in `table`, with the
 * account id as `$1` (and, for the address-hash reach, the hash as `$1`): the
 * account itself, its id in a column, a parent row of the account (a join
 * through the relation's column), or the audit entries the account acted in or
 * whose subject is the account, one of its requests or one of its activations.
 */
function reachCondition(model: InventoriedModel, table: string, depth = 0): string {
  const reach = reachFromAccount[model];
  const accountId = "$1::text::uuid";
  switch (reach.kind) {
    case "account":
      return `${table}."id" = ${accountId}`;
    case "direct":
      return `${table}."${reach.field}" = ${accountId}`;
    case "via": {
      const relation = fieldOf(model, reach.relation);
      const [column] = relation.relationFromFields ?? [];
      if (!column || relation.relationFromFields?.length !== 1)
        throw new Error(`${model}.${reach.relation}: one column expected`);
      const parent = `p${depth}`;
      return (
        `${table}."${column}" IN (SELECT ${parent}."${primaryKey(reach.parent)}" FROM "${reach.parent}" AS ${parent} ` +
        `WHERE ${reachCondition(reach.parent, parent, depth + 1)})`
      );
    }
    case "address-hash":
      return `${table}."${reach.field}" = $1`;
    case "audit-trail":
      return (
        `(${table}."actorType" = 'ACCOUNT' AND ${table}."actorId" = $1::text) OR ${table}."subjectId" = $1::text ` +
        `OR ${table}."subjectId" IN (SELECT r.id::text FROM "PrivacyRequest" AS r WHERE r."accountId" = ${accountId}) ` +
        `OR ${table}."subjectId" IN (SELECT a.id::text FROM "Activation" AS a WHERE a."accountId" = ${accountId})`
      );
    case "unreachable":
      throw new Error(`${model} is reached from no account`);
  }
}

interface ExportQuery {
  /**
   * For a model without encrypted fields, one row: the count and the rows' JSON
   * text joined with commas (`n`, `json`). Otherwise one row per record: its JSON
   * text (`json`, encrypted values still sealed in it), the sealed values
   * (`c0`, `c1`…) and the id they are bound to (`rowId`).
   */
  text: string;
  /** The encrypted fields, by their name in the copy, opened and spliced into each row's JSON. */
  encrypted: Array<{ name: string; column: EncryptedColumn }>;
}

/**
 * One plain-SQL read per model, computed once from the inventory (which
 * fields, under which names), the reach (which rows) and the datamodel
 * (how each value is written). PostgreSQL writes each row as the copy's JSON
 * (`row_to_json` of the exported values, in the inventory's order), so this
 * process handles one string per model, or per row where encrypted values are
 * to be opened, rather than an object per row.
 */
const exportQueries = new Map<InventoriedModel, ExportQuery>();
function exportQueryOf(model: InventoriedModel): ExportQuery {
  const cached = exportQueries.get(model);
  if (cached) return cached;
  const fields = exportedFields(model);
  const encrypted = fields.flatMap((field) => {
    const column = encryptedColumnOf(model, field);
    return column ? [{ name: exportedName(model, field), column, field }] : [];
  });
  const values = fields.map((field) => `${exportedValue(model, field, "t")} AS "${exportedName(model, field)}"`);
  const from = `FROM "${model}" AS t CROSS JOIN LATERAL (SELECT ${values.join(", ")}) AS e WHERE ${reachCondition(model, "t")}`;
  const ordered = reachFromAccount[model].kind === "audit-trail";
  const text =
    encrypted.length === 0
      ? `SELECT count(*)::int AS n, coalesce(string_agg(row_to_json(e)::text, ','${ordered ? ` ORDER BY t."seq"` : ""}), '') AS json ${from}`
      : `SELECT row_to_json(e)::text AS json, ${encrypted.map(({ field }, index) => `t."${field}" AS c${index}`).join(", ")}, ` +
        `t."${primaryKey(model)}"::text AS "rowId" ${from}${ordered ? ` ORDER BY t."seq"` : ""}`;
  const query = { text, encrypted: encrypted.map(({ name, column }) => ({ name, column })) };
  exportQueries.set(model, query);
  return query;
}

/** The account's rows of `model` as the JSON text of an array, with their count; encrypted values opened. */
async function rowsOf(
  sql: Sql,
  ring: KeyRing,
  model: InventoriedModel,
  account: { id: string; email: string },
): Promise<{ json: string; count: number }> {
  const query = exportQueryOf(model);
  const reach = reachFromAccount[model];
  const key = reach.kind === "address-hash" ? keyedHash(ring, "email-rate-limit", account.email) : account.id;
  if (query.encrypted.length === 0) {
    const [result] = await sql.rows<{ n: number; json: string }>(query.text, [key]);
    return { json: `[${result?.json ?? ""}]`, count: result?.n ?? 0 };
  }
  const rows = await sql.rows<Record<string, string | null>>(query.text, [key]);
  const written = rows.map((row) => {
    let json = row.json as string;
    query.encrypted.forEach(({ name, column }, index) => {
      const sealed = row[`c${index}`];
      if (typeof sealed !== "string") return;
      // The sealed value as row_to_json wrote it, under its name: replaced by the opened value.
      const found = `${JSON.stringify(name)}:${JSON.stringify(sealed)}`;
      const at = json.indexOf(found);
      if (at < 0) throw new Error(`${model}.${name}: the sealed value is not where the row's JSON should hold it`);
      const opened = openColumn(ring, column, row.rowId as string, sealed);
      const value = column === "activationRouting" ? JSON.stringify(JSON.parse(opened)) : JSON.stringify(opened);
      json = `${json.slice(0, at)}${JSON.stringify(name)}:${value}${json.slice(at + found.length)}`;
    });
    return json;
  });
  return { json: `[${written.join(",")}]`, count: rows.length };
}

/**
 * The copy as the JSON text `{ data, summary }` it is stored as, in pieces
 * that become ready one by one (one per model, as its read completes; the
 * summary last), and the models it holds.
 */
interface AccessExportPieces {
  pieces: Array<string | Promise<string>>;
  models: InventoriedModel[];
}

/**
 * Computes the copy of everything the inventory says the account's holder
 * receives, with one plain-SQL read per model (not Prisma: an account with
 * 10,000 activations has some 60,000 rows), written as JSON text by the
 * database and put together here as text. The reads take connections of their
 * own, so this runs outside any transaction. Each model's piece of the text is
 * ready as soon as its own read is, so the caller can work on it (compress it)
 * while the other reads run.
 */
async function accessExportPieces(
  services: Pick<Services, "sql" | "config">,
  accountId: string,
  now: Date,
): Promise<AccessExportPieces> {
  const ring = services.config.encryption;
  const [account] = await services.sql.rows<{ id: string; email: string }>(
    `SELECT id::text AS id, email FROM "Account" WHERE id = $1::text::uuid`,
    [accountId],
  );
  if (!account) throw new NotFoundError("The account");
  const models = (Object.keys(dataInventory) as InventoriedModel[]).filter(
    (model) => reachFromAccount[model].kind !== "unreachable",
  );
  const notIncluded: AccessExport["notIncluded"] = [];
  for (const model of models) {
    for (const [field, classification] of Object.entries(dataInventory[model] as Record<string, FieldClassification>)) {
      if (classification.subject === "customer" && !classification.export) {
        notIncluded.push({ model, field, because: classification.notExportedBecause ?? "" });
      }
    }
  }
  // The reads run side by side (each on its own connection, queued for the embedded database's one),
  // so the database works on one model while this process reads out another.
  const exported = models.filter((model) => exportedFields(model).length > 0);
  const reads = exported.map((model) => rowsOf(services.sql, ring, model, account));
  const all = Promise.all(reads);
  const generatedAt = now.toISOString();
  const opening =
    `{"data":{"format":"smsape.access-export/1","generatedAt":${JSON.stringify(generatedAt)},` +
    `"accountId":${JSON.stringify(accountId)},"records":{`;
  const records = reads.map((read, index) =>
    read.then(({ json }) => `${index > 0 ? "," : ""}${JSON.stringify(exported[index])}:${json}`),
  );
  const closing = all.then((read) => {
    const counts = new Map(exported.map((model, index) => [model, read[index]?.count ?? 0]));
    const accountRow = (JSON.parse(read[exported.indexOf("Account")]?.json ?? "[]") as ExportRow[])[0] ?? {};
    const summary = summaryText({ generatedAt, account: accountRow, count: (model) => counts.get(model) ?? 0, notIncluded });
    return `},"notIncluded":${JSON.stringify(notIncluded)}},"summary":${JSON.stringify(summary)}}`;
  });
  // Whichever read fails first fails the copy, for the caller who awaits the pieces; the rest are then of no interest.
  for (const piece of [...records, closing]) piece.catch(() => {});
  return { pieces: [opening, ...records, closing], models: exported };
}

/** The copy of everything the inventory says the account's holder receives (see `accessExportPieces`). */
export async function buildAccessExport(
  services: Pick<Services, "sql" | "config">,
  accountId: string,
  now: Date,
): Promise<AccessExport> {
  const { pieces } = await accessExportPieces(services, accountId, now);
  return (JSON.parse((await Promise.all(pieces)).join("")) as { data: AccessExport }).data;
}

/** A readable account of the copy, for a person rather than a program. */
function summaryText(copy: {
  generatedAt: string;
  account: ExportRow;
  count: (model: InventoriedModel) => number;
  notIncluded: AccessExport["notIncluded"];
}): string {
  const { account, count } = copy;
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
  // The request is checked before the copy is built (the reads run outside a
  // transaction), and checked again, locked, when the copy is stored.
  const { accountId } = await services.db.$transaction((tx) => requestToFulfil(tx, requestId, ["ACCESS"]));
  const copy = await accessExportPieces(services, accountId, now);
  const exportId = newRecordId();
  // Compressed (rows of this shape shrink more than tenfold), so sealing, storing and reading it back
  // handle a tenth of the bytes; the download hands the compressed bytes on as they are. Each model's
  // piece is compressed as its read completes, while the database still works on the others.
  const content = await gzipPieces(copy.pieces, 1);
  const contentCiphertext = sealColumn(ring, "exportContent", exportId, content);
  return services.db.$transaction(
    async (tx) => {
      const request = await requestToFulfil(tx, requestId, ["ACCESS"]);
      // Erasure clears a request's account (refused above); nothing else moves it.
      if (request.accountId !== accountId) throw new RequestNotFulfillableError("NO_ACCOUNT");
      const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { email: true } });
      const { token, hash } = newSecretToken(downloadTokenPrefix);
      const expiresAt = new Date(now.getTime() + exportLifetimeMs);
      await tx.privacyExport.create({
        data: { id: exportId, requestId, accountId, tokenHash: hash, contentCiphertext, createdAt: now, expiresAt },
        select: { id: true },
      });
      await enqueueEmail(
        tx,
        {
          accountId,
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
          details: { exportId, models: copy.models },
        },
        now,
      );
      return { exportId, expiresAt };
    },
    { timeout: 60_000 },
  );
}

/** The copy as stored: the JSON text `{ data, summary }`, gzip-compressed (copies sealed before compression: not). */
export interface AccessExportContent {
  bytes: Buffer;
  gzip: boolean;
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
 * The copy is handed over as it was sealed, not parsed and written again.
 */
export async function downloadAccessExport(
  services: Services,
  holder: AccountActor,
  token: string,
): Promise<AccessExportContent> {
  const now = services.now();
  const ring = services.config.encryption;
  return services.db.$transaction(async (tx) => {
    const found = await tx.privacyExport.findUnique({
      where: { tokenHash: hashToken(token) },
      select: { id: true, accountId: true, requestId: true, expiresAt: true },
    });
    if (!found || found.accountId !== holder.accountId || !holder.sessionId) throw new ExportLinkError("EXPORT_NOT_FOUND");
    if (found.expiresAt <= now) throw new ExportLinkError("EXPORT_EXPIRED");
    // Claims the copy and takes its content in one statement: the row is locked, the content cleared, the old value returned.
    const [claimed] = await tx.$queryRaw<Array<{ content: string }>>`
      UPDATE "PrivacyExport" AS e SET "downloadedAt" = ${now.toISOString()}::timestamp, "contentCiphertext" = NULL
      FROM (SELECT id, "contentCiphertext" FROM "PrivacyExport" WHERE id = ${found.id}::uuid FOR UPDATE) AS before
      WHERE e.id = before.id AND e."downloadedAt" IS NULL AND before."contentCiphertext" IS NOT NULL
      RETURNING before."contentCiphertext" AS content`;
    if (!claimed) throw new ExportLinkError("EXPORT_ALREADY_DOWNLOADED");
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
    const bytes = openColumnBytes(ring, "exportContent", found.id, claimed.content);
    // A copy sealed before copies were compressed is the JSON text itself, which starts with "{".
    return { bytes, gzip: bytes[0] === 0x1f && bytes[1] === 0x8b };
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
