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
  resources: {
    staff: {
      name: "Staff member |||| Staff",
      fields: {
        displayName: "Name",
        email: "Email",
        role: "Role",
        totpEnrolled: "Authenticator enrolled",
        disabledAt: "Disabled",
        lockedUntil: "Locked until",
        createdAt: "Added",
        password: "Initial password",
        lastSeenAt: "Last seen",
        idleExpiresAt: "Idle expiry",
        absoluteExpiresAt: "Absolute expiry",
        revokedAt: "Revoked",
        live: "Live",
        current: "This session",
      },
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
    incidents: {
      name: "Incidents",
      natureHelp: "What happened, how it was found, what it reached. No personal values: names, addresses or numbers stay out.",
      awareHelp: "When we became aware that personal data was affected: the authority's 72 hours run from here.",
      categories: {
        EMAIL_ADDRESSES: "Email addresses",
        PHONE_NUMBERS: "Phone numbers",
        SMS_CONTENT: "SMS content and codes",
        CREDENTIALS: "Passwords, tokens or keys",
        PAYMENT_REFERENCES: "Payment references",
        SESSION_DATA: "IP addresses and session data",
        PRIVACY_REQUESTS: "Privacy requests",
      },
      statuses: { OPEN: "Open", CONTAINED: "Contained", CLOSED: "Closed" },
      decisions: { NOTIFY: "Notify", NOT_REQUIRED: "Not required" },
      clock: {
        ON_TRACK: "On track: %{hours} h left",
        DUE_SOON: "Due soon: %{hours} h left",
        OVERDUE: "Overdue by %{hours} h",
        NOTIFIED: "Authority notified",
        NOT_REQUIRED: "Authority notification not required",
      },
      audienceKinds: {
        ACTIVATIONS_CREATED: "Accounts that ordered a number in the window",
        SMS_RECEIVED: "Accounts an SMS arrived for in the window",
      },
      notifyHint:
        "Choose the accounts this incident concerns and preview how many they are. Each account is told once, whatever the number of runs.",
      decideFirst: "Record the decision to notify the people concerned to send them a notice.",
      preview: "%{accounts} accounts selected, %{alreadyNotified} of them already notified",
      sent: "Notice sent to %{notified} accounts (%{alreadyNotified} already notified)",
      notified: "%{count} accounts notified, last at %{at}",
      noneNotified: "Nobody has been notified about this incident yet.",
    },
    signIn: {
      codePrompt: "Enter the 6-digit code your authenticator app shows for SMSAPE.",
      code: "Authenticator code",
      verify: "Verify",
      recoveryPrompt: "Enter one of the recovery codes you saved when you enrolled. Each works once.",
      recoveryCode: "Recovery code",
      useRecoveryCode: "Lost your authenticator? Use a recovery code",
      useCode: "Use the authenticator code instead",
      enrolPrompt:
        "Your account needs a second factor. Scan this QR code with an authenticator app, then enter the code it shows.",
      qrCode: "QR code for your authenticator app",
      secret: "Or type this secret:",
      confirm: "Confirm",
      recoveryCodesShownOnce:
        "Your recovery codes. Each signs you in once if you lose your authenticator. They are shown only now: save them somewhere safe.",
      savedThem: "I saved them",
      continue: "Continue to the console",
    },
    staff: {
      disable: "Disable",
      disableTitle: "Disable %{name}?",
      disableContent: "They are signed out everywhere at once and cannot sign in again.",
      disabled: "Staff member disabled; their sessions ended.",
      resetTotp: "Reset authenticator",
      resetTotpTitle: "Reset the authenticator of %{name}?",
      resetTotpContent:
        "Their sessions end and their recovery codes stop working; they enrol a new authenticator at their next sign-in.",
      resetDone: "Authenticator reset; they enrol again at their next sign-in.",
      revoke: "Revoke",
      revokeTitle: "Revoke this session?",
      revokeContent: "Whoever uses it is signed out at once.",
      revoked: "Session revoked.",
      sessions: "Sessions",
      noSessions: "No sessions.",
    },
    staffRole: {
      SUPPORT: "Support",
      COMPLIANCE: "Compliance",
      ADMIN: "Administrator",
    },
  },
};
