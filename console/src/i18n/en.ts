import englishMessages from "ra-language-english";
import type { TranslationMessages } from "react-admin";

export const en: TranslationMessages = {
  ...englishMessages,
  ra: {
    ...englishMessages.ra,
    auth: {
      ...englishMessages.ra.auth,
      // The default login form's first field carries the staff member's email.
      username: "Email",
    },
  },
  smsape: {
    title: "SMSAPE staff console",
    dashboard: {
      welcome: "Welcome, %{name}",
      role: "Signed in as %{role}",
    },
    accounts: {
      searchHint: "Find an account by its id or its exact email address, as a request or ticket gives it.",
      noMatch: "No account has that id or address.",
      reasonHelp: "Recorded in the audit log with what you read.",
      reasons: {
        SUPPORT_TICKET: "Answering the person's support ticket",
        FRAUD_OR_ABUSE: "Investigating fraud or abuse",
        LEGAL_OBLIGATION: "A legal obligation",
        RIGHTS_REQUEST: "Handling the person's privacy request",
        LEGAL_CLAIM: "Establishing or defending a legal claim",
        PROTECTION_OF_OTHERS: "Protecting another person's rights",
        HOLDER_CONSENT: "The person asked us to",
      },
    },
    staffRole: {
      SUPPORT: "Support",
      COMPLIANCE: "Compliance",
      ADMIN: "Administrator",
    },
  },
};
