import type { TranslateFunction } from "react-admin";

/** The units a period is shown and edited in; a year counts 365 days, as the shipped periods do. */
export const periodUnits = ["hours", "days", "years"] as const;
export type PeriodUnit = (typeof periodUnits)[number];

const unitSecs = { years: 365 * 86_400, days: 86_400, hours: 3_600, minutes: 60, seconds: 1 } as const;

/** A period as an amount of the largest unit that divides it (hours at least): 21600 s is 6 hours. */
export function splitPeriod(secs: number): { amount: number; unit: PeriodUnit } {
  for (const unit of ["years", "days", "hours"] as const) {
    if (secs % unitSecs[unit] === 0) return { amount: secs / unitSecs[unit], unit };
  }
  return { amount: secs / unitSecs.hours, unit: "hours" };
}

export function periodSecs(amount: number, unit: PeriodUnit): number {
  return Math.round(amount * unitSecs[unit]);
}

/** "6 hours", "90 days", "2 years"; a period the API was given in odd seconds reads in minutes or seconds. */
export function formatPeriod(secs: number, translate: TranslateFunction): string {
  const unit = (["years", "days", "hours", "minutes"] as const).find((name) => secs % unitSecs[name] === 0) ?? "seconds";
  return translate(`smsape.retention.units.${unit}`, { smart_count: secs / unitSecs[unit] });
}
