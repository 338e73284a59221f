/**
 * Demo data for a laptop: staff logins for the console and a catalogue of
 * numbers. Never loaded in production: the configuration refuses DEMO_DATA
 * there, since these passwords and authenticator secrets are published.
 */
import type { PrismaClient, StaffRole } from "@smsape/db";
import { hashPassword } from "../domain/auth/passwords.ts";
import type { KeyRing } from "../domain/crypto/field-encryption.ts";
import { sealStaffTotpSecret } from "../domain/staff/staff-auth.ts";

/**
 * The demo staff, already enrolled with fixed authenticator secrets so that a
 * newcomer signs in at once: `npm start` prints each member's current code,
 * `pnpm staff totp <email>` prints a fresh one, and any authenticator app
 * given the secret shows the same codes.
 */
export const demoStaff: Array<{ email: string; displayName: string; role: StaffRole; password: string; totpSecret: string }> = [
  {
    email: "support@smsape.test",
    displayName: "Sam Support",
    role: "SUPPORT",
    password: "support-demo-password",
    totpSecret: "DEMOSUPPORTSMSAPETOTPSECRETAAAAA",
  },
  {
    email: "compliance@smsape.test",
    displayName: "Casey Compliance",
    role: "COMPLIANCE",
    password: "compliance-demo-password",
    totpSecret: "DEMOCOMPLIANCESMSAPETOTPSECRETAA",
  },
  {
    email: "admin@smsape.test",
    displayName: "Alex Admin",
    role: "ADMIN",
    password: "admin-demo-password",
    totpSecret: "DEMOADMINSMSAPETOTPSECRETAAAAAAA",
  },
];

/** A customer ready to order numbers: email verified, policy acknowledged, with a balance. */
export const demoCustomer = { email: "demo@smsape.test", password: "demo-customer-password", balanceMinor: 1_000n };

/**
 * A demo service the upstream simulator never sends an SMS for, so cancelling
 * (once the cancel lock has passed) and timing out, both refunded, can be tried by hand.
 */
export const neverDeliveredService = { code: "nosms", name: "No SMS ever (demo: try cancel and time-out refunds)" };

/** A demo country's pool: `numbersPerCountry` consecutive numbers from its first. */
export function demoNumbers(country: { firstNumber: string }): string[] {
  const first = BigInt(country.firstNumber.slice(1));
  return Array.from({ length: demoCatalogue.numbersPerCountry }, (_, index) => `+${first + BigInt(index)}`);
}

export const demoCatalogue = {
  countries: [
    // Each country's numbers run up from `firstNumber`: valid numbers of its numbering plan (the pool
    // checks imports against it), from ranges that look like examples rather than anyone's number.
    { code: "GB", name: "United Kingdom", firstNumber: "+447400123000" },
    { code: "DE", name: "Germany", firstNumber: "+4915100000000" },
    { code: "US", name: "United States", firstNumber: "+12025550100" },
  ],
  services: [
    { code: "telegram", name: "Telegram" },
    { code: "whatsapp", name: "WhatsApp" },
    { code: "other", name: "Any other service" },
    neverDeliveredService,
  ],
  priceMinor: { GB: 45n, DE: 40n, US: 25n } as Record<string, bigint>,
  numbersPerCountry: 20,
  /** The route the demo numbers are reached through: the upstream simulator. */
  operatorRoute: "demo-simulator",
};

export async function seedDemoData(db: PrismaClient, policyVersion: string, keyRing: KeyRing): Promise<void> {
  if (!(await db.account.findUnique({ where: { email: demoCustomer.email } }))) {
    const now = new Date();
    const account = await db.account.create({
      data: {
        email: demoCustomer.email,
        passwordHash: await hashPassword(demoCustomer.password),
        emailVerifiedAt: now,
        ageAttestedAt: now,
        acknowledgements: { create: { policyVersion } },
      },
    });
    // The opening balance is a top-up like any other: the ledger is the only record of money.
    await db.ledgerEntry.create({
      data: { accountId: account.id, accountRef: account.id, kind: "TOP_UP", availableDelta: demoCustomer.balanceMinor },
    });
  }

  for (const staff of demoStaff) {
    const existing = await db.staffUser.findUnique({ where: { email: staff.email } });
    const member =
      existing ??
      (await db.staffUser.create({
        data: {
          email: staff.email,
          displayName: staff.displayName,
          role: staff.role,
          passwordHash: await hashPassword(staff.password),
        },
      }));
    // Enrolled with the published secret, also after an ADMIN reset it: the printed codes must work.
    if (!member.mfaEnrolledAt) {
      await db.staffUser.update({
        where: { id: member.id },
        data: { mfaSecret: sealStaffTotpSecret(keyRing, member.id, staff.totpSecret), mfaEnrolledAt: new Date() },
      });
    }
  }
  for (const country of demoCatalogue.countries) {
    await db.country.upsert({ where: { code: country.code }, create: { code: country.code, name: country.name }, update: {} });
  }
  for (const service of demoCatalogue.services) {
    await db.service.upsert({ where: { code: service.code }, create: service, update: {} });
  }
  for (const country of demoCatalogue.countries) {
    for (const service of demoCatalogue.services) {
      const amountMinor = demoCatalogue.priceMinor[country.code] ?? 50n;
      await db.price.upsert({
        where: { countryCode_serviceCode: { countryCode: country.code, serviceCode: service.code } },
        create: { countryCode: country.code, serviceCode: service.code, amountMinor },
        update: {},
      });
    }
    await db.virtualNumber.createMany({
      data: demoNumbers(country).map((phoneNumber) => ({
        phoneNumber,
        countryCode: country.code,
        operatorRoute: demoCatalogue.operatorRoute,
      })),
      skipDuplicates: true,
    });
  }
}
