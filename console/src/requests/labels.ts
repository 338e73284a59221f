import { useTranslate } from "react-admin";
import { en } from "../i18n/en.ts";

/**
 * How the console names the API's codes. The English names live in the messages
 * file (`smsape.requests.*`); these maps are read from it for modules that want
 * plain strings, and `useRequestLabels` translates them through the i18n provider.
 */
export const statusLabels: Record<string, string> = en.smsape.requests.statuses;

export const kindLabels: Record<string, string> = en.smsape.requests.kinds;

export const jurisdictionLabels: Record<string, string> = en.smsape.requests.jurisdictions;

export const choices = (labels: Record<string, string>) => Object.entries(labels).map(([id, name]) => ({ id, name }));

/** Choices whose names are message keys (`<prefix>.<id>`); react-admin's inputs translate them. */
export const keyedChoices = (prefix: string, labels: Record<string, string>) =>
  Object.keys(labels).map((id) => ({ id, name: `${prefix}.${id}` }));

/** The translated name of a request's state, right and jurisdiction; an unknown code reads as itself. */
export function useRequestLabels() {
  const translate = useTranslate();
  return {
    status: (code: string) => translate(`smsape.requests.statuses.${code}`, { _: code }),
    kind: (code: string) => translate(`smsape.requests.kinds.${code}`, { _: code }),
    jurisdiction: (code: string) => translate(`smsape.requests.jurisdictions.${code}`, { _: code }),
  };
}
