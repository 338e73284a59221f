/**
 * The records of processing (GDPR Art. 30) over /admin/graphql: computed
 * from the data inventory, the retention policies in the database and the
 * sub-processor register, so a field, a period, a vendor or a country of
 * the catalogue shows in them as soon as it exists, with nothing listed by
 * hand. Only COMPLIANCE reads them.
 */
import { createStaffMember, GraphqlClient, startTestApp, type TestApp, type TestStaffMember } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryFields } from "../../api/src/domain/privacy/inventory.ts";
import { subProcessors } from "../../api/src/domain/privacy/sub-processors.ts";

interface Activity {
  category: string;
  title: string;
  dataSubjects: string[];
  purposes: string[];
  fields: Array<{
    model: string;
    field: string;
    subject: string;
    purpose: string;
    timeLimit: string;
    encrypted: boolean;
    hashed: boolean;
  }>;
  recipients: Array<{ key: string; receives: string[] }>;
  transfers: Array<{ recipientKey: string; countries: string[]; safeguard: string }>;
  timeLimits: Array<{
    key: string;
    kind: string;
    retentionSecs: number | null;
    period: string | null;
    legalBasis: string | null;
  }>;
  securityMeasures: string[];
}

interface Records {
  controller: string;
  policyVersion: string | null;
  activities: Activity[];
  recipients: Array<{
    key: string;
    name: string;
    receives: string[];
    categories: string[];
    transfer: { countries: string[] } | null;
  }>;
  securityMeasures: Array<{ measure: string; where: string }>;
  markdown: string;
}

const recordsQuery = `query {
  recordsOfProcessing {
    controller policyVersion
    activities {
      category title dataSubjects purposes
      fields { model field subject purpose timeLimit encrypted hashed }
      recipients { key receives }
      transfers { recipientKey countries safeguard }
      timeLimits { key kind retentionSecs period countedFrom legalBasis statement }
      securityMeasures
    }
    recipients { key name receives categories transfer { countries } }
    securityMeasures { measure where }
    markdown
  }
}`;

let app: TestApp;
let compliance: TestStaffMember;
beforeAll(async () => {
  app = await startTestApp();
  compliance = await createStaffMember(app, { role: "COMPLIANCE" });
});
afterAll(async () => {
  await app?.close();
});

const readRecords = async () =>
  (await compliance.client.data<{ recordsOfProcessing: Records }>(recordsQuery)).recordsOfProcessing;
const activityOf = (records: Records, category: string) => {
  const activity = records.activities.find((item) => item.category === category);
  if (!activity) throw new Error(`No activity for the category ${category}`);
  return activity;
};
const personalFields = () => inventoryFields().filter((entry) => entry.personal);

describe("the records of processing", () => {
  it("list every personal field of the inventory under its category, with whose it is, its purpose and its time limit", async () => {
    const records = await readRecords();
    const categories = [...new Set(personalFields().map((entry) => entry.category))];
    expect(records.activities.map((activity) => activity.category).sort()).toEqual([...categories].sort());
    for (const entry of personalFields()) {
      const listed = activityOf(records, entry.category).fields.find(
        (field) => field.model === entry.model && field.field === entry.field,
      );
      expect(listed, `${entry.model}.${entry.field}`).toMatchObject({
        subject: entry.subject,
        purpose: entry.purpose,
        timeLimit: "policy" in entry.retention ? entry.retention.policy : entry.retention.rule,
      });
      expect(records.markdown).toContain(`\`${entry.model}.${entry.field}\``);
    }
    // Data that is nobody's (the catalogue, the audit chain's hashes) is not a processing of personal data.
    const listedFields = records.activities.flatMap((activity) =>
      activity.fields.map((field) => `${field.model}.${field.field}`),
    );
    expect(listedFields).not.toContain("Country.name");
    expect(listedFields).not.toContain("AuditEntry.hash");
    expect(listedFields).toHaveLength(personalFields().length);
    expect(activityOf(records, "credential").dataSubjects).toEqual(["customer", "staff"]);
    expect(records.policyVersion).toBe(
      (await app.services.db.policyVersion.findFirstOrThrow({ orderBy: { effectiveAt: "desc" } })).version,
    );
  });

  it("take each time limit from the retention policy as the database holds it now", async () => {
    const original = await app.services.db.retentionPolicy.findUniqueOrThrow({ where: { key: "sms.body" } });
    const before = await readRecords();
    expect(activityOf(before, "message-content").timeLimits).toContainEqual(
      expect.objectContaining({
        key: "sms.body",
        kind: "policy",
        retentionSecs: original.retentionSecs,
        legalBasis: original.legalBasis,
      }),
    );

    await app.services.db.retentionPolicy.update({
      where: { key: "sms.body" },
      data: { retentionSecs: 3 * 24 * 3600, legalBasis: "Read by the holder within three days" },
    });
    try {
      const after = await readRecords();
      expect(activityOf(after, "message-content").timeLimits).toContainEqual(
        expect.objectContaining({
          key: "sms.body",
          retentionSecs: 3 * 24 * 3600,
          period: "3 days",
          countedFrom: "the SMS arrived",
          legalBasis: "Read by the holder within three days",
        }),
      );
      expect(after.markdown).toContain("`sms.body`: 3 days after the SMS arrived, then their personal values are cleared.");
      expect(after.markdown).toContain("Basis: Read by the holder within three days.");
      // The rules of the inventory stand beside the policies, as the inventory words them.
      expect(activityOf(after, "message-content").timeLimits).toContainEqual(
        expect.objectContaining({ key: "account-lifetime", kind: "rule", retentionSecs: null }),
      );
    } finally {
      await app.services.db.retentionPolicy.update({ where: { key: "sms.body" }, data: original });
    }
  });

  it("P11: list every sub-processor as the recipient of each category it receives, with what it receives, and of no other", async () => {
    const records = await readRecords();
    for (const entry of subProcessors) {
      expect(records.recipients).toContainEqual(
        expect.objectContaining({
          key: entry.key,
          name: entry.name,
          receives: [...entry.receives],
          categories: [...entry.categories],
        }),
      );
      expect(records.markdown).toContain(`### ${entry.name}`);
    }
    for (const activity of records.activities) {
      const expected = subProcessors.filter((entry) => (entry.categories as readonly string[]).includes(activity.category));
      expect(activity.recipients.map((recipient) => recipient.key).sort(), activity.category).toEqual(
        expected.map((entry) => entry.key).sort(),
      );
    }
    // Every category a vendor receives is a processing activity of its own, so no vendor goes unlisted.
    const activities = new Set(records.activities.map((activity) => activity.category));
    for (const entry of subProcessors)
      for (const category of entry.categories) expect(activities.has(category), entry.key).toBe(true);
  });

  it("P11: name no vendor as a recipient of SMS content or credentials it never receives", async () => {
    const records = await readRecords();
    const smsReaders = activityOf(records, "message-content").recipients.map((recipient) => recipient.key);
    expect(smsReaders).not.toContain("edge-network");
    expect(smsReaders).not.toContain("payment-processors");
    expect(activityOf(records, "credential").recipients).toEqual([]);
    expect(activityOf(records, "payment").recipients.map((recipient) => recipient.key)).toEqual(["payment-processors"]);
  });

  it("list transfers outside the EEA from the register, to the catalogue's countries outside it", async () => {
    // The demo catalogue offers numbers in Germany, in the EEA, and in the United Kingdom and the United States.
    const before = await readRecords();
    const operators = before.recipients.find((recipient) => recipient.key === "upstream-sms-operators");
    expect(operators?.transfer?.countries).toEqual(["United Kingdom (GB)", "United States (US)"]);
    const edge = before.recipients.find((recipient) => recipient.key === "edge-network");
    expect(edge?.transfer?.countries).toEqual([]);

    await app.services.db.country.create({ data: { code: "BR", name: "Brazil" } });
    try {
      const after = await readRecords();
      const transfer = activityOf(after, "activation").transfers.find((item) => item.recipientKey === "upstream-sms-operators");
      expect(transfer?.countries).toContain("Brazil (BR)");
      expect(transfer?.safeguard).toMatch(/Art\. 49/);
      expect(after.markdown).toContain("Brazil (BR)");
    } finally {
      await app.services.db.country.delete({ where: { code: "BR" } });
    }
  });

  it("name, for each activity, the fields the inventory marks encrypted or hashed among its security measures", async () => {
    const records = await readRecords();
    const protectedFields = personalFields().filter((entry) => entry.encrypted || entry.hashed);
    expect(protectedFields.length).toBeGreaterThan(0);
    for (const entry of protectedFields) {
      const measures = activityOf(records, entry.category).securityMeasures.join("\n");
      expect(measures, `${entry.model}.${entry.field}`).toMatch(
        new RegExp(`${entry.encrypted ? "Encrypted at rest" : "one-way hash"}[^\\n]*${entry.model}\\.${entry.field}`),
      );
    }
    expect(records.securityMeasures.map((measure) => measure.where)).toEqual(
      expect.arrayContaining(["api/src/domain/staff/permissions.ts", "api/src/domain/audit/"]),
    );
    // The session lifetimes come from the configuration in force.
    const { idleMinutes } = app.services.config.sessions;
    expect(records.securityMeasures.map((measure) => measure.measure).join("\n")).toContain(`${idleMinutes} minutes idle`);
  });

  it("are read by COMPLIANCE only, and reading them writes no audit entry: they hold no one's personal data", async () => {
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const anonymous = new GraphqlClient(app.url, "/admin/graphql");
    for (const client of [support.client, admin.client, anonymous]) {
      const refused = await client.request(recordsQuery);
      expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
      expect(refused.data?.recordsOfProcessing ?? null).toBeNull();
    }
    const entries = await app.services.db.auditEntry.count();
    await readRecords();
    expect(await app.services.db.auditEntry.count()).toBe(entries);

    // The customer API has no such field at all.
    const customer = await new GraphqlClient(app.url, "/graphql").request("query { recordsOfProcessing { markdown } }");
    expect(customer.errors?.[0]?.message).toMatch(/Cannot query field "recordsOfProcessing"/);
  });
});
