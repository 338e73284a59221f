import { Alert, Card, CardContent, Link as MuiLink, Stack, Typography } from "@mui/material";
import type { ReactNode } from "react";
import {
  EditButton,
  Labeled,
  Link,
  ShowContextProvider,
  Title,
  TopToolbar,
  usePermissions,
  useShowController,
  useTranslate,
} from "react-admin";
import type { RetentionPolicyRecord } from "../dataProvider/retention.ts";
import { DryRunPanel } from "./DryRunPanel.tsx";
import { PurgeNow } from "./PurgeNow.tsx";
import { formatPeriod } from "./period.ts";
import { RunSummary } from "./RunSummary.tsx";

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <Card variant="outlined">
    <CardContent>
      <Typography variant="h6" gutterBottom>
        {title}
      </Typography>
      {children}
    </CardContent>
  </Card>
);

const Fact = ({ label, children }: { label: string; children: ReactNode }) => (
  <Labeled label={label}>
    <Typography variant="body2" component="span">
      {children}
    </Typography>
  </Labeled>
);

/** A policy's page: its period and why, a dry run of its purge, running the purge now, and changing the period. */
export const RetentionPolicyShow = () => {
  const translate = useTranslate();
  const { permissions } = usePermissions();
  const canManage = Array.isArray(permissions) && permissions.includes("retention.manage");
  const controller = useShowController<RetentionPolicyRecord>({
    // The page shows the API's own message ("… was not found.") rather than react-admin's generic one.
    queryOptions: { retry: false, onError: () => undefined },
  });
  const policy = controller.record;
  if (controller.error) return <Alert severity="error">{(controller.error as Error).message}</Alert>;
  if (!policy) return null;
  const runsOfPolicy = `/purgeRuns?filter=${encodeURIComponent(JSON.stringify({ policyKey: policy.key }))}`;

  return (
    <ShowContextProvider value={controller}>
      <Title title={translate("smsape.retention.policyTitle", { key: policy.key })} />
      <TopToolbar>{canManage && <EditButton label="smsape.retention.changePeriod" />}</TopToolbar>
      <Stack spacing={2} sx={{ mb: 4 }}>
        <Section title={`${policy.key}: ${policy.description}`}>
          <Stack spacing={1}>
            <Fact label="resources.retentionPolicies.fields.keptFor">{formatPeriod(policy.retentionSecs, translate)}</Fact>
            <Fact label="resources.retentionPolicies.fields.countedFrom">
              {translate(`smsape.retention.events.${policy.countedFrom}`)}
            </Fact>
            <Fact label="resources.retentionPolicies.fields.action">
              {translate(`smsape.retention.actions.${policy.action}`)}
            </Fact>
            <Fact label="resources.retentionPolicies.fields.legalBasis">{policy.legalBasis}</Fact>
            <Fact label="resources.retentionPolicies.fields.setBy">
              {policy.updatedById
                ? translate("smsape.retention.setBy", { id: policy.updatedById })
                : translate("smsape.retention.shippedDefault")}
            </Fact>
            <Fact label="resources.retentionPolicies.fields.lastRun">
              <RunSummary run={policy.lastRun} action={policy.action} />
            </Fact>
            <MuiLink component={Link} to={runsOfPolicy}>
              {translate("smsape.retention.allRuns")}
            </MuiLink>
          </Stack>
        </Section>
        <Section title={translate("smsape.retention.dryRunSection")}>
          {/* A new run makes an earlier dry run's numbers stale: the panel starts afresh. */}
          <DryRunPanel key={policy.lastRun?.id ?? "none"} policyKey={policy.key} />
        </Section>
        {canManage && (
          <Section title={translate("smsape.retention.purgeSection")}>
            {/* The run's own alert says how it ended; the page reads the policy again for its last run. */}
            <PurgeNow policy={policy} onCompleted={() => controller.refetch()} />
          </Section>
        )}
      </Stack>
    </ShowContextProvider>
  );
};
