import { Alert, Card, CardContent, Typography } from "@mui/material";
import {
  DateField,
  FunctionField,
  NumberField,
  ReferenceField,
  ShowContextProvider,
  SimpleShowLayout,
  Title,
  useShowController,
  useTranslate,
} from "react-admin";
import type { PurgeRunRecord } from "../dataProvider/retention.ts";
import { formatDuration } from "./duration.ts";

/** While a run is under way its report is read again this often. */
const runningRefreshMs = 1_000;

/** A purge run's report: which policy, who started it, the cut-off, and what it examined, changed and held back. */
export const PurgeRunShow = () => {
  const translate = useTranslate();
  const controller = useShowController<PurgeRunRecord>({
    queryOptions: {
      retry: false,
      // The page shows the API's own message ("… was not found.") rather than react-admin's generic one.
      onError: () => undefined,
      refetchInterval: (query) => (query.state.data?.status === "RUNNING" ? runningRefreshMs : false),
    },
  });
  const run = controller.record;
  if (controller.error) return <Alert severity="error">{(controller.error as Error).message}</Alert>;
  if (!run) return null;
  return (
    <ShowContextProvider value={controller}>
      <Title title={translate("smsape.retention.runs.title", { key: run.policyKey })} />
      <Card variant="outlined" sx={{ mt: 2, mb: 4 }}>
        <CardContent>
          <Typography variant="h6" gutterBottom>
            {translate("smsape.retention.runs.report", { status: translate(`smsape.retention.runStatuses.${run.status}`) })}
          </Typography>
          <SimpleShowLayout sx={{ p: 0 }}>
            <ReferenceField source="policyKey" reference="retentionPolicies" link="show" />
            <FunctionField source="trigger" render={() => translate(`smsape.retention.triggers.${run.trigger}`)} />
            <FunctionField source="status" render={() => translate(`smsape.retention.runStatuses.${run.status}`)} />
            <DateField source="startedAt" showTime />
            <DateField source="finishedAt" showTime emptyText="-" />
            <DateField source="cutoff" label="smsape.retention.runs.cutoff" showTime />
            <NumberField source="examined" />
            <NumberField source="deleted" />
            <NumberField source="anonymised" />
            <NumberField source="heldBack" label="smsape.retention.runs.heldBack" />
            <NumberField source="batches" />
            <FunctionField source="duration" render={() => formatDuration(run.busyMs)} />
          </SimpleShowLayout>
        </CardContent>
      </Card>
    </ShowContextProvider>
  );
};
