/** How the console names the API's codes. */
export const statusLabels: Record<string, string> = {
  IDENTITY_PENDING: "Identity pending",
  RECEIVED: "Received",
  IN_PROGRESS: "In progress",
  EXTENDED: "Extended",
  AWAITING_APPROVAL: "Awaiting approval",
  COMPLETED: "Completed",
  REJECTED: "Rejected",
  WITHDRAWN: "Withdrawn",
};

export const kindLabels: Record<string, string> = {
  ACCESS: "Access",
  CORRECTION: "Correction",
  DELETION: "Deletion",
  RESTRICTION: "Restriction",
  OBJECTION: "Objection",
};

export const jurisdictionLabels: Record<string, string> = { GDPR: "GDPR", UK_GDPR: "UK GDPR", CCPA: "CCPA", OTHER: "Other" };

export const choices = (labels: Record<string, string>) => Object.entries(labels).map(([id, name]) => ({ id, name }));
