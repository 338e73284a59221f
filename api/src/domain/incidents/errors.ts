import { DomainError } from "../errors.ts";

/** A closed incident is part of the record: it is read, never changed. */
export class IncidentClosedError extends DomainError {
  readonly code = "INCIDENT_CLOSED";
  constructor() {
    super("This incident is closed; its record can no longer change.");
  }
}

/**
 * An incident closes only once both decisions are on record (GDPR Art. 33 and 34):
 * whether the authority is notified and whether the people concerned are, each
 * with its reason, and the authority's notification sent when it was decided.
 */
export class IncidentDecisionMissingError extends DomainError {
  readonly code = "INCIDENT_DECISION_MISSING";
  constructor(readonly missing: "authority" | "authority-notification" | "people") {
    super(
      missing === "authority"
        ? "Record whether the supervisory authority is notified, and why, before closing the incident."
        : missing === "authority-notification"
          ? "The authority is to be notified: record when it was, before closing the incident."
          : "Record whether the people concerned are told, and why, before closing the incident.",
    );
  }
}

/** People are notified only once the incident records the decision to tell them. */
export class PeopleNotificationNotDecidedError extends DomainError {
  readonly code = "PEOPLE_NOTIFICATION_NOT_DECIDED";
  constructor() {
    super("Record the decision to notify the people concerned before sending them a notice.");
  }
}
