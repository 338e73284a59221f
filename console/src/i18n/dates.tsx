/**
 * Instants as the viewer reads them: in the browser's language and time zone,
 * with deadlines also as a relative clock ("in 5 hours", "3 days ago"). The
 * API speaks UTC ISO strings; only this module turns them into text.
 */

const instantFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** An instant in the viewer's locale and time zone, to the minute; "—" when there is none. */
export function formatInstant(iso: string | null | undefined): string {
  return iso ? instantFormat.format(new Date(iso)) : "—";
}

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/** How far `iso` is from `now`, in the largest unit that reads naturally: minutes under 90, hours under 48, then days. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const difference = new Date(iso).getTime() - now.getTime();
  const size = Math.abs(difference);
  if (size < 90 * minuteMs) return relativeFormat.format(Math.round(difference / minuteMs), "minute");
  if (size < 48 * hourMs) return relativeFormat.format(Math.round(difference / hourMs), "hour");
  return relativeFormat.format(Math.round(difference / dayMs), "day");
}

/**
 * An instant as a `<time>` element; `relative` adds the clock for deadlines.
 * The full ISO instant is in the element's `dateTime` for assistive tools.
 */
export const When = ({ value, relative = false }: { value: string | null | undefined; relative?: boolean }) =>
  value ? (
    <time dateTime={value}>
      {formatInstant(value)}
      {relative ? ` (${formatRelative(value)})` : ""}
    </time>
  ) : (
    <>—</>
  );
