/**
 * The audit log in the staff API (COMPLIANCE, `audit.read`): entries with
 * filters, verification of the chain, and the signed checkpoints with the
 * public key that verifies them. Staff-only: none of it reaches /graphql.
 */
import type { AuditCheckpoint, AuditEntry } from "@smsape/db";
import type { Actor } from "../../domain/actors.ts";
import { listAuditCheckpoints } from "../../domain/audit/checkpoints.ts";
import { auditNoteTexts, findAuditEntries, findAuditEntryPage } from "../../domain/audit/queries.ts";
import { type AuditChainProblem, type AuditChainVerification, verifyAuditLog } from "../../domain/audit/verification.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { builder } from "../builder.ts";
import type { Viewer } from "../context.ts";
import { notAuthorized } from "../viewer.ts";

const staff = ["staff"] as const;

/** The staff member a field guarded by `staffCan` acts for. */
function signedInStaff(viewer: Viewer): Actor {
  if (viewer.kind !== "staff") throw notAuthorized();
  return viewer;
}

const AuditActorTypeEnum = builder.enumType("AuditActorType", {
  subGraphs: [...staff],
  values: ["ACCOUNT", "STAFF", "SYSTEM"] as const,
});

const AuditEntryType = builder.prismaObject("AuditEntry", {
  subGraphs: [...staff],
  description: "One entry of the tamper-evident audit log: ids and field names, never personal values.",
  fields: (t) => ({
    seq: t.string({ description: "Its place in the chain (a 64-bit number, as decimal digits).", resolve: (e) => String(e.seq) }),
    at: t.expose("at", { type: "DateTime" }),
    actorType: t.expose("actorType", { type: AuditActorTypeEnum }),
    actorId: t.exposeString("actorId", { nullable: true, description: "The account, staff member or job that acted." }),
    action: t.exposeString("action"),
    subjectType: t.exposeString("subjectType"),
    subjectId: t.exposeString("subjectId", { nullable: true }),
    reason: t.exposeString("reason", { nullable: true, description: "Why, as a code." }),
    details: t.string({ description: "The event's details, as JSON.", resolve: (e) => JSON.stringify(e.details ?? {}) }),
    note: t.string({
      nullable: true,
      description: "Free text staff wrote with the entry, kept outside the chain; null when there is none or it was erased.",
      resolve: async (entry, _args, { services, viewer }) => {
        const noteId = (entry.details as { noteId?: unknown } | null)?.noteId;
        if (typeof noteId !== "string") return null;
        return (await auditNoteTexts(services, signedInStaff(viewer), [noteId])).get(noteId) ?? null;
      },
    }),
    hash: t.exposeString("hash"),
    prevHash: t.exposeString("prevHash"),
  }),
});

const AuditEntryFilterInput = builder.inputType("AuditEntryFilter", {
  subGraphs: [...staff],
  fields: (t) => ({
    actorType: t.field({ type: AuditActorTypeEnum, required: false }),
    actorId: t.string({ required: false }),
    action: t.string({ required: false }),
    subjectType: t.string({ required: false }),
    subjectId: t.string({ required: false }),
    from: t.field({ type: "DateTime", required: false, description: "Entries at or after this time." }),
    to: t.field({ type: "DateTime", required: false, description: "Entries before this time." }),
  }),
});

builder.queryField("auditEntries", (t) =>
  t.prismaConnection({
    type: "AuditEntry",
    cursor: "seq",
    subGraphs: [...staff],
    authScopes: { staffCan: "audit.read" },
    description: "The audit log, newest first.",
    args: { filter: t.arg({ type: AuditEntryFilterInput, required: false }) },
    resolve: (query, _root, { filter }, { services, viewer }) =>
      findAuditEntries(services, signedInStaff(viewer), filter ?? {}, query),
  }),
);

const AuditEntryPageType = builder.objectRef<{ entries: AuditEntry[]; hasNextPage: boolean }>("AuditEntryPage").implement({
  subGraphs: [...staff],
  fields: (t) => ({
    entries: t.field({ type: [AuditEntryType], resolve: (p) => p.entries, description: "Newest first." }),
    hasNextPage: t.exposeBoolean("hasNextPage"),
  }),
});

builder.queryField("auditEntryPage", (t) =>
  t.field({
    type: AuditEntryPageType,
    subGraphs: [...staff],
    authScopes: { staffCan: "audit.read" },
    description: "One numbered page of the audit log, newest first (what a paged list shows); `auditEntries` pages by cursor.",
    args: {
      filter: t.arg({ type: AuditEntryFilterInput, required: false }),
      page: t.arg.int({ required: true, description: "From 1." }),
      perPage: t.arg.int({ required: true, description: "From 1 to 200." }),
    },
    errors: { types: [ValidationError], directResult: true, union: { name: "AuditEntryPageResult", subGraphs: [...staff] } },
    resolve: (_root, { filter, page, perPage }, { services, viewer }) =>
      findAuditEntryPage(services, signedInStaff(viewer), filter ?? {}, { page, perPage }),
  }),
);

const AuditChainProblemEnum = builder.enumType("AuditChainProblem", {
  subGraphs: [...staff],
  values: {
    CHAIN_BROKEN: {
      value: "chain-broken",
      description: "The entry does not follow the one before it: removed, inserted or reordered entries.",
    },
    HASH_MISMATCH: { value: "hash-mismatch", description: "The entry's content was changed." },
    CHECKPOINT_MISSING: { value: "checkpoint-missing", description: "The entry a checkpoint vouches for is gone." },
    CHECKPOINT_MISMATCH: {
      value: "checkpoint-mismatch",
      description: "The chain does not have the signed hash: the log was rebuilt.",
    },
    CHECKPOINT_SIGNATURE_INVALID: {
      value: "checkpoint-signature-invalid",
      description: "A checkpoint's signature does not verify: it was forged or altered.",
    },
    TRUNCATED: { value: "truncated", description: "The chain ends before a signed checkpoint: its tail was removed." },
  } satisfies Record<string, { value: AuditChainProblem; description: string }>,
});

type Verification = AuditChainVerification & { fromCheckpointSeq: bigint | null };

const AuditChainVerificationType = builder.objectRef<Verification>("AuditChainVerification").implement({
  subGraphs: [...staff],
  description: "The result of walking the chain: valid, or the first broken entry and what is wrong with it.",
  fields: (t) => ({
    valid: t.exposeBoolean("valid"),
    entries: t.exposeInt("entries", { description: "Entries checked (before the break, when broken)." }),
    fromCheckpointSeq: t.string({
      nullable: true,
      resolve: (v) => (v.fromCheckpointSeq === null ? null : String(v.fromCheckpointSeq)),
    }),
    lastSeq: t.string({ nullable: true, resolve: (v) => (v.valid && v.lastSeq !== null ? String(v.lastSeq) : null) }),
    brokenAtSeq: t.string({ nullable: true, resolve: (v) => (v.valid ? null : String(v.brokenAtSeq)) }),
    brokenAtPosition: t.int({
      nullable: true,
      description: "Where the broken entry stands in the chain, counting from 1.",
      resolve: (v) => (v.valid ? null : v.brokenAtPosition),
    }),
    problem: t.field({ type: AuditChainProblemEnum, nullable: true, resolve: (v) => (v.valid ? null : v.problem) }),
  }),
});

const VerifyAuditChainInput = builder.inputType("VerifyAuditChainInput", {
  subGraphs: [...staff],
  fields: (t) => ({
    fromCheckpointSeq: t.string({ required: false, description: "Start from this checkpoint instead of the first entry." }),
  }),
});

builder.mutationField("verifyAuditChain", (t) =>
  t.field({
    type: AuditChainVerificationType,
    subGraphs: [...staff],
    authScopes: { staffCan: "audit.read" },
    description: "Verifies the audit chain from the first entry or from a checkpoint; the verification is itself audited.",
    args: { input: t.arg({ type: VerifyAuditChainInput, required: false }) },
    errors: {
      types: [ValidationError, NotFoundError],
      directResult: true,
      union: { name: "VerifyAuditChainResult", subGraphs: [...staff] },
    },
    resolve: (_root, { input }, { services, viewer }) => {
      const from = input?.fromCheckpointSeq ?? null;
      if (from !== null && !/^\d{1,19}$/.test(from)) {
        throw new ValidationError([{ field: "fromCheckpointSeq", message: "must be a checkpoint's seq (decimal digits)" }]);
      }
      return verifyAuditLog(services, signedInStaff(viewer), { fromCheckpointSeq: from === null ? null : BigInt(from) });
    },
  }),
);

const AuditCheckpointType = builder.objectRef<AuditCheckpoint>("AuditCheckpoint").implement({
  subGraphs: [...staff],
  description: "A signed statement that the chain had `hash` at `seq`: Ed25519 over the lines of `statement`.",
  fields: (t) => ({
    seq: t.string({ resolve: (c) => String(c.seq) }),
    hash: t.exposeString("hash"),
    at: t.expose("at", { type: "DateTime" }),
    keyId: t.exposeString("keyId"),
    signature: t.exposeString("signature", { description: "Base64 Ed25519 signature." }),
    statement: t.string({
      description: "The exact text signed.",
      resolve: (c) => `smsape-audit-checkpoint\n${c.seq}\n${c.hash}\n${c.at.toISOString()}`,
    }),
  }),
});

const AuditCheckpointsType = builder
  .objectRef<{ checkpoints: AuditCheckpoint[]; publicKey: string; keyId: string }>("AuditCheckpoints")
  .implement({
    subGraphs: [...staff],
    fields: (t) => ({
      publicKey: t.exposeString("publicKey", { description: "The Ed25519 public key, base64 of its SPKI DER encoding." }),
      keyId: t.exposeString("keyId"),
      checkpoints: t.field({ type: [AuditCheckpointType], resolve: (r) => r.checkpoints, description: "Newest first." }),
    }),
  });

builder.queryField("auditCheckpoints", (t) =>
  t.field({
    type: AuditCheckpointsType,
    subGraphs: [...staff],
    authScopes: { staffCan: "audit.read" },
    description: "The signed checkpoints of the audit log (the newest `last`, 100 by default) and the key that verifies them.",
    args: { last: t.arg.int({ required: false }) },
    resolve: (_root, { last }, { services, viewer }) =>
      listAuditCheckpoints(services, signedInStaff(viewer), { take: Math.min(Math.max(last ?? 100, 1), 1000) }),
  }),
);
