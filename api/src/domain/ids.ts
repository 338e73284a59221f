import { v7 as uuidv7 } from "uuid";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Record ids are UUIDs. A string that is not one names no record: lookups
 * answer "not found" without asking the database, which would reject the cast.
 */
export function isUuid(value: string): boolean {
  return uuid.test(value);
}

/**
 * A new record id for a row written by raw SQL: a time-ordered UUIDv7, as
 * Prisma's `@default(uuid(7))` gives rows it writes itself.
 */
export function newRecordId(): string {
  return uuidv7();
}
