import { Datagrid, FunctionField, List, TextField, useTranslate } from "react-admin";
import type { RetentionPolicyRecord } from "../dataProvider/retention.ts";
import { formatPeriod } from "./period.ts";
import { RunSummary } from "./RunSummary.tsx";

/** Every category of personal data a purge looks after: how long it is kept, from when, and its last purge. */
export const RetentionPolicyList = () => {
  const translate = useTranslate();
  return (
    <List exporter={false} pagination={false} perPage={100}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="key" sortable={false} />
        <TextField source="description" sortable={false} />
        <FunctionField
          label="resources.retentionPolicies.fields.keptFor"
          sortable={false}
          render={(policy: RetentionPolicyRecord) => formatPeriod(policy.retentionSecs, translate)}
        />
        <FunctionField
          label="resources.retentionPolicies.fields.countedFrom"
          sortable={false}
          render={(policy: RetentionPolicyRecord) => translate(`smsape.retention.events.${policy.countedFrom}`)}
        />
        <FunctionField
          label="resources.retentionPolicies.fields.action"
          sortable={false}
          render={(policy: RetentionPolicyRecord) => translate(`smsape.retention.actions.${policy.action}`)}
        />
        <FunctionField
          label="resources.retentionPolicies.fields.lastRun"
          sortable={false}
          render={(policy: RetentionPolicyRecord) => <RunSummary run={policy.lastRun} action={policy.action} />}
        />
      </Datagrid>
    </List>
  );
};
