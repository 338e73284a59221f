import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { Link, useTranslate } from "react-admin";
import { purgeRunsSince } from "../dataProvider/dashboard.ts";
import { formatInstant as when } from "../i18n/dates.tsx";
import { filteredList, WidgetCard } from "./WidgetCard.tsx";

/** The days of purge runs the widget covers. */
const purgeDays = 7;

/** Purge runs of the last week, with the rows each removed (deleted or anonymised) and kept back by legal holds (P8). */
export const RecentPurges = () => {
  const translate = useTranslate();
  const { data, isPending, error } = useQuery({
    queryKey: ["dashboard", "purgeRuns", purgeDays],
    // The window is counted from the browser's clock: the dashboard is read by a person, now.
    queryFn: ({ signal }) => purgeRunsSince(new Date(Date.now() - purgeDays * 24 * 60 * 60_000), signal),
  });
  const removed = (data ?? []).reduce((sum, run) => sum + run.deleted + run.anonymised, 0);
  return (
    <WidgetCard
      title={translate("smsape.dashboard.purges.title", { days: purgeDays })}
      listLink={filteredList("purgeRuns")}
      listLabel={translate("smsape.dashboard.purges.link")}
      isPending={isPending}
      error={error}
    >
      <Typography variant="body1" gutterBottom>
        {translate("smsape.dashboard.purges.summary", { smart_count: data?.length ?? 0, removed })}
      </Typography>
      {data && data.length > 0 && (
        <Table size="small" aria-label={translate("smsape.dashboard.purges.table")}>
          <TableHead>
            <TableRow>
              <TableCell>{translate("smsape.dashboard.purges.policy")}</TableCell>
              <TableCell>{translate("smsape.dashboard.purges.started")}</TableCell>
              <TableCell align="right">{translate("smsape.dashboard.purges.removed")}</TableCell>
              <TableCell align="right">{translate("smsape.dashboard.purges.heldBack")}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.map((run) => (
              <TableRow key={run.id}>
                <TableCell>
                  <Link to={filteredList("purgeRuns", { policyKey: run.policyKey })}>{run.policyKey}</Link>
                </TableCell>
                <TableCell>
                  {when(run.startedAt)}
                  {run.status === "RUNNING" ? ` (${translate("smsape.dashboard.purges.running")})` : ""}
                </TableCell>
                <TableCell align="right">{run.deleted + run.anonymised}</TableCell>
                <TableCell align="right">{run.heldBack}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </WidgetCard>
  );
};
