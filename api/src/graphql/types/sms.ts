/**
 * SMS messages, readable only by the account that ordered the number (P7):
 * every path to them (the Activation's `messages`, the `smsReceived`
 * subscription) reads through domain/sms/messages.ts, which filters by the
 * reader's own account in the database query itself. Bodies and codes are
 * decrypted only here, as they are read (P20).
 */
import { isOwnActivation } from "../../domain/activations/activations.ts";
import { openColumn } from "../../domain/crypto/encrypted-columns.ts";
import { smsReadableBy } from "../../domain/sms/messages.ts";
import { builder } from "../builder.ts";
import { viewingAccount } from "../viewer.ts";

export const SmsMessageType = builder.prismaObject("SmsMessage", {
  subGraphs: ["customer"],
  description: "An SMS received on the number of one of your activations.",
  fields: (t) => ({
    id: t.exposeID("id"),
    receivedAt: t.expose("receivedAt", { type: "DateTime" }),
    text: t.string({
      nullable: true,
      description: "The SMS as received; null once the retention period has removed it.",
      resolve: (message, _args, { services }) =>
        message.bodyCiphertext && !message.purgedAt
          ? openColumn(services.config.encryption, "smsBody", message.id, message.bodyCiphertext)
          : null,
    }),
    code: t.string({
      nullable: true,
      description: "The verification code found in the text; null when none was found or once removed.",
      resolve: (message, _args, { services }) =>
        message.codeCiphertext && !message.purgedAt
          ? openColumn(services.config.encryption, "smsCode", message.id, message.codeCiphertext)
          : null,
    }),
    purgedAt: t.expose("purgedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the retention period removed the text and code (P8); null while they are still held.",
    }),
    activation: t.relation("activation"),
  }),
});

builder.prismaObjectField("Activation", "messages", (t) =>
  t.relatedConnection("messages", {
    cursor: "id",
    subGraphs: ["customer"],
    nullable: true,
    description: "The SMS received for this activation, oldest first. Only the account that ordered the number sees them.",
    // The activation was found for its owner already; this field checks again rather than trust every path to it.
    authScopes: (activation, _args, { viewer }) => isOwnActivation(viewingAccount(viewer), activation),
    query: (_args, { viewer }) => ({ where: smsReadableBy(viewingAccount(viewer)), orderBy: { id: "asc" } }),
  }),
);
