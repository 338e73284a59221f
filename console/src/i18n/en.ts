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
