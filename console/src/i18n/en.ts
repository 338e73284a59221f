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
    staffRole: {
      SUPPORT: "Support",
      COMPLIANCE: "Compliance",
      ADMIN: "Administrator",
    },
  },
};
