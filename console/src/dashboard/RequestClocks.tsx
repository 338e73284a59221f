import { Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { Link, useTranslate } from "react-admin";
import { type ClockedRequest, type QueueClock, requestsByClock } from "../dataProvider/dashboard.ts";
import { When } from "../i18n/dates.tsx";
import { kindLabels, statusLabels } from "../requests/labels.ts";
import { SlaChip } from "../requests/SlaChip.tsx";
import { filteredList, WidgetCard } from "./WidgetCard.tsx";

/** How many of the earliest requests the widget lists under each clock. */
const shown = 5;

const ClockSection = ({ clock, requests }: { clock: QueueClock; requests: ClockedRequest[] }) => {
  const translate = useTranslate();
  return (
    <Stack spacing={1} sx={{ mb: 2 }}>
      <Typography component="h3" variant="subtitle1">
        <Link to={filteredList("privacyRequests", { clock })}>
          {translate(`smsape.dashboard.clocks.${clock}`, { smart_count: requests.length })}
        </Link>
      </Typography>
      {requests.length > 0 && (
        <Table size="small" aria-label={translate(`smsape.dashboard.clocks.${clock}_table`)}>
          <TableHead>
            <TableRow>
              <TableCell>{translate("smsape.dashboard.clocks.request")}</TableCell>
              <TableCell>{translate("smsape.dashboard.clocks.answerDue")}</TableCell>
              <TableCell>{translate("smsape.dashboard.clocks.legalDue")}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {requests.slice(0, shown).map((request) => (
              <TableRow key={request.id}>
                <TableCell>
                  <Link to={`/privacyRequests/${request.id}/show`}>
                    {kindLabels[request.kind] ?? request.kind} · {statusLabels[request.status] ?? request.status}
                  </Link>
                </TableCell>
                <TableCell>
                  <When value={request.slaDueAt} relative />
                </TableCell>
                <TableCell>
                  <When value={request.legalDueAt} relative />
                  {request.extended ? ` (${translate("smsape.dashboard.clocks.extended")})` : ""}
                </TableCell>
                <TableCell>
                  <SlaChip status={request.slaStatus} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Stack>
  );
};

/**
 * Requests past or near the clock the queue works to, with both of their
 * clocks: the answer the policy promises and the jurisdiction's deadline.
 */
export const RequestClocks = () => {
  const translate = useTranslate();
  const overdue = useQuery({
    queryKey: ["dashboard", "requestsByClock", "OVERDUE"],
    queryFn: ({ signal }) => requestsByClock("OVERDUE", signal),
  });
  const dueSoon = useQuery({
    queryKey: ["dashboard", "requestsByClock", "DUE_SOON"],
    queryFn: ({ signal }) => requestsByClock("DUE_SOON", signal),
  });
  return (
    <WidgetCard
      title={translate("smsape.dashboard.clocks.title")}
      listLink={filteredList("privacyRequests")}
      listLabel={translate("smsape.dashboard.clocks.link")}
      isPending={overdue.isPending || dueSoon.isPending}
      error={overdue.error ?? dueSoon.error}
    >
      <ClockSection clock="OVERDUE" requests={overdue.data ?? []} />
      <ClockSection clock="DUE_SOON" requests={dueSoon.data ?? []} />
    </WidgetCard>
  );
};
