import { useTranslate } from "react-admin";
import { kindLabels } from "../requests/labels.ts";
import { chartDays, DailyRequestsChart, useRequestStats } from "./DailyRequestsChart.tsx";
import { filteredList, WidgetCard } from "./WidgetCard.tsx";

/** Requests received each day of the last two weeks, by the right they invoke. */
export const RequestsByRight = () => {
  const translate = useTranslate();
  const { data, isPending, error } = useRequestStats();
  const title = translate("smsape.dashboard.byRight.title", { days: chartDays });
  return (
    <WidgetCard
      title={title}
      listLink={filteredList("privacyRequests")}
      listLabel={translate("smsape.dashboard.byRight.link")}
      isPending={isPending}
      error={error}
    >
      {data && <DailyRequestsChart stats={data} by="kind" labels={kindLabels} ariaLabel={title} />}
    </WidgetCard>
  );
};
