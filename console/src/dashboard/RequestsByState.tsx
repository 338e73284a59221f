import { useTranslate } from "react-admin";
import { statusLabels } from "../requests/labels.ts";
import { chartDays, DailyRequestsChart, useRequestStats } from "./DailyRequestsChart.tsx";
import { filteredList, WidgetCard } from "./WidgetCard.tsx";

/** Requests received each day of the last two weeks, by where they stand now. */
export const RequestsByState = () => {
  const translate = useTranslate();
  const { data, isPending, error } = useRequestStats();
  const title = translate("smsape.dashboard.byState.title", { days: chartDays });
  return (
    <WidgetCard
      title={title}
      listLink={filteredList("privacyRequests")}
      listLabel={translate("smsape.dashboard.byState.link")}
      isPending={isPending}
      error={error}
    >
      {data && <DailyRequestsChart stats={data} by="status" labels={statusLabels} ariaLabel={title} />}
    </WidgetCard>
  );
};
