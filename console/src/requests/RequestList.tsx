import { Chip, Stack } from "@mui/material";
import { useEffect, useState } from "react";
import { Datagrid, FunctionField, List, SelectInput, TextField } from "react-admin";
import { assignableStaff, type PrivacyRequestRecord } from "../dataProvider/privacyRequests.ts";
import { formatInstant, When } from "../i18n/dates.tsx";
import { choices, jurisdictionLabels, kindLabels, statusLabels } from "./labels.ts";
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
  <SelectInput key="status" source="status" label="State" choices={choices(statusLabels)} alwaysOn />,
  <SelectInput key="kind" source="kind" label="Right" choices={choices(kindLabels)} alwaysOn />,
  <SelectInput key="jurisdiction" source="jurisdiction" label="Jurisdiction" choices={choices(jurisdictionLabels)} alwaysOn />,
  <AssigneeFilter key="assigneeId" source="assigneeId" label="Assignee" alwaysOn />,
  <SelectInput
    key="clock"
    source="clock"
    label="Clock"
    choices={[
      { id: "DUE_SOON", name: "Due soon" },
      { id: "OVERDUE", name: "Overdue" },
    ]}
    alwaysOn
  />,
];

/**
 * The request queue (P18): a minor's data first, then the earliest clock. The
 * server orders it; the console keeps that order.
 */
export const RequestList = () => (
  <List title="Privacy request queue" filters={filters} sort={{ field: "dueAt", order: "ASC" }} perPage={25} exporter={false}>
    <Datagrid rowClick="show" bulkActionButtons={false} sort={{ field: "dueAt", order: "ASC" }}>
      <FunctionField
        label="Clock"
        sortable={false}
        render={(record: PrivacyRequestRecord) => (
          <Stack direction="row" spacing={1}>
            <SlaChip status={record.slaStatus} />
            {record.concernsMinor ? <Chip size="small" color="error" variant="outlined" label="Minor" /> : null}
            {record.extended ? <Chip size="small" variant="outlined" label="Extended" /> : null}
          </Stack>
        )}
      />
      <FunctionField
        label="Right"
        sortable={false}
        render={(record: PrivacyRequestRecord) => kindLabels[record.kind] ?? record.kind}
      />
      <FunctionField
        label="State"
        sortable={false}
        render={(record: PrivacyRequestRecord) => statusLabels[record.status] ?? record.status}
      />
      <FunctionField
        label="Jurisdiction"
        sortable={false}
        render={(record: PrivacyRequestRecord) => jurisdictionLabels[record.jurisdiction] ?? record.jurisdiction}
      />
      <FunctionField
        label="Due"
        sortable={false}
        render={(record: PrivacyRequestRecord) => <When value={record.dueAt} relative />}
      />
      <FunctionField
        label="Received"
        sortable={false}
        render={(record: PrivacyRequestRecord) => formatInstant(record.receivedAt)}
      />
      <FunctionField
        label="Assignee"
        sortable={false}
        render={(record: PrivacyRequestRecord) => record.assignee?.displayName ?? "Unassigned"}
      />
      <TextField source="source" sortable={false} />
    </Datagrid>
  </List>
);
