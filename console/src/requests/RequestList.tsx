import { Chip, Stack } from "@mui/material";
import { useEffect, useState } from "react";
import { Datagrid, FunctionField, List, SelectInput, TextField, useTranslate } from "react-admin";
import { assignableStaff, type PrivacyRequestRecord } from "../dataProvider/privacyRequests.ts";
import { formatInstant, When } from "../i18n/dates.tsx";
import { jurisdictionLabels, keyedChoices, kindLabels, statusLabels, useRequestLabels } from "./labels.ts";
import { SlaChip } from "./SlaChip.tsx";

/** Assignee filter: the staff members a request can be given to. */
const AssigneeFilter = (props: { source: string; label: string; alwaysOn?: boolean }) => {
  const [staff, setStaff] = useState<Array<{ id: string; name: string }>>([]);
  useEffect(() => {
    assignableStaff()
      .then((members) => setStaff(members.map((member) => ({ id: member.id, name: member.displayName }))))
      .catch(() => setStaff([]));
  }, []);
  return <SelectInput {...props} choices={staff} />;
};

const filters = [
  <SelectInput key="status" source="status" choices={keyedChoices("smsape.requests.statuses", statusLabels)} alwaysOn />,
  <SelectInput key="kind" source="kind" choices={keyedChoices("smsape.requests.kinds", kindLabels)} alwaysOn />,
  <SelectInput
    key="jurisdiction"
    source="jurisdiction"
    choices={keyedChoices("smsape.requests.jurisdictions", jurisdictionLabels)}
    alwaysOn
  />,
  <AssigneeFilter key="assigneeId" source="assigneeId" label="resources.privacyRequests.fields.assigneeId" alwaysOn />,
  <SelectInput
    key="clock"
    source="clock"
    choices={[
      { id: "DUE_SOON", name: "smsape.requests.sla.DUE_SOON" },
      { id: "OVERDUE", name: "smsape.requests.sla.OVERDUE" },
    ]}
    alwaysOn
  />,
];

/**
 * The request queue (P18): a minor's data first, then the earliest clock. The
 * server orders it; the console keeps that order.
 */
export const RequestList = () => {
  const translate = useTranslate();
  const labels = useRequestLabels();
  return (
    <List title="smsape.requests.queue" filters={filters} sort={{ field: "dueAt", order: "ASC" }} perPage={25} exporter={false}>
      <Datagrid rowClick="show" bulkActionButtons={false} sort={{ field: "dueAt", order: "ASC" }}>
        <FunctionField
          source="clock"
          sortable={false}
          render={(record: PrivacyRequestRecord) => (
            <Stack direction="row" spacing={1}>
              <SlaChip status={record.slaStatus} />
              {record.concernsMinor ? (
                <Chip size="small" color="error" variant="outlined" label={translate("smsape.requests.minor")} />
              ) : null}
              {record.extended ? <Chip size="small" variant="outlined" label={translate("smsape.requests.extended")} /> : null}
            </Stack>
          )}
        />
        <FunctionField source="kind" sortable={false} render={(record: PrivacyRequestRecord) => labels.kind(record.kind)} />
        <FunctionField source="status" sortable={false} render={(record: PrivacyRequestRecord) => labels.status(record.status)} />
        <FunctionField
          source="jurisdiction"
          sortable={false}
          render={(record: PrivacyRequestRecord) => labels.jurisdiction(record.jurisdiction)}
        />
        <FunctionField
          source="dueAt"
          sortable={false}
          render={(record: PrivacyRequestRecord) => <When value={record.dueAt} relative />}
        />
        <FunctionField
          source="receivedAt"
          sortable={false}
          render={(record: PrivacyRequestRecord) => formatInstant(record.receivedAt)}
        />
        <FunctionField
          source="assigneeId"
          sortable={false}
          render={(record: PrivacyRequestRecord) => record.assignee?.displayName ?? translate("smsape.requests.unassigned")}
        />
        <TextField source="source" sortable={false} />
      </Datagrid>
    </List>
  );
};
