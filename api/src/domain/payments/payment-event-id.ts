/**
 * The processor's event id (P9, P10). It is assigned by the processor's
 * systems, never typed in by a person, so it is not where card data is
 * entered: an id is checked against the grammar of the ids processors
 * generate instead of being scanned for card-like digit runs (random UUIDs and
 * timestamps hold such runs often enough to refuse genuine top-ups).
 *
 *   id    = prefix* body
 *   prefix = a lowercase word and "_"        evt_, evt_sim_ (at most three)
 *   body  = UUID                              47c33c75-b7d1-4f96-9626-847461926424
 *         | up to 12 digits                   a sequence number: too short to be a card number
 *         | millisecond timestamp             1795646588313: 13 digits starting 1, 2 or 3 (2001 to 2096);
 *                                             no card brand issues 13-digit numbers there (13-digit Visa starts with 4)
 *         | 8-64 letters and digits,         base62 (Stripe-like), ULID (Crockford base32);
 *           at least one of them a letter     all-digit bodies go by the two rules above
 *
 * A bare run of 13 to 19 digits other than such a timestamp is what a card
 * number looks like, so it is no id: the payload is then scanned like any other
 * and refused.
 */

import { isUuid } from "../ids.ts";
import type { IdentifierGrammars } from "./card-data.ts";

const prefix = "(?:[a-z][a-z0-9]{0,15}_){0,3}";
const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const sequenceNumber = "\\d{1,12}";
const millisecondTimestamp = "[1-3]\\d{12}";
const token = "(?=[0-9a-z]*[a-z])[0-9a-z]{8,64}";

const paymentEventId = new RegExp(`^${prefix}(?:${uuid}|${sequenceNumber}|${millisecondTimestamp}|${token})$`, "i");

export function isPaymentEventId(value: unknown): value is string {
  return typeof value === "string" && paymentEventId.test(value);
}

export const paymentEventIdGrammar =
  "expected a processor event id: an optional prefix such as evt_ followed by a UUID, a ULID or other letters and digits, a millisecond timestamp, or a number of up to 12 digits";

/** The identifier fields of a payment payload, each with its grammar: the processor's event id and our account id. */
export const paymentIdentifiers: IdentifierGrammars = {
  id: isPaymentEventId,
  accountId: (value) => typeof value === "string" && isUuid(value),
};
