import { List, ListItem, ListItemText, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { Link, useTranslate } from "react-admin";
import { openIncidents } from "../dataProvider/dashboard.ts";
import { ClockChip } from "../incidents/ClockChip.tsx";
import { filteredList, WidgetCard } from "./WidgetCard.tsx";

/** Incidents not yet closed, soonest 72-hour deadline first, each with its clock (P21). */
export const OpenIncidents = () => {
  const translate = useTranslate();
  const { data, isPending, error } = useQuery({
    queryKey: ["dashboard", "openIncidents"],
    queryFn: ({ signal }) => openIncidents(signal),
  });
  const count = (status: string) => (data ?? []).filter((incident) => incident.status === status).length;
  return (
    <WidgetCard
      title={translate("smsape.dashboard.incidents.title")}
      listLink={filteredList("incidents", { status: "OPEN" })}
      listLabel={translate("smsape.dashboard.incidents.link")}
      isPending={isPending}
      error={error}
    >
      <Typography variant="body1">
        {translate("smsape.dashboard.incidents.summary", { smart_count: count("OPEN") })}
        {count("CONTAINED") > 0 && (
          <>
            {" · "}
            <Link to={filteredList("incidents", { status: "CONTAINED" })}>
              {translate("smsape.dashboard.incidents.contained", { smart_count: count("CONTAINED") })}
            </Link>
          </>
        )}
      </Typography>
      {data && data.length > 0 && (
        <List dense aria-label={translate("smsape.dashboard.incidents.title")}>
          {data.map((incident) => (
            <ListItem key={incident.id} disableGutters secondaryAction={<ClockChip clock={incident.clock} />}>
              <ListItemText
                primary={<Link to={`/incidents/${incident.id}/show`}>{incident.reference}</Link>}
                secondary={incident.nature}
                slotProps={{ secondary: { noWrap: true, sx: { pr: 22 } } }}
              />
            </ListItem>
          ))}
        </List>
      )}
    </WidgetCard>
  );
};
