import {
  Datagrid,
  DateField,
  DateTimeInput,
  FilterButton,
  List,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
} from "react-admin";
import { VerifyChainButton } from "./VerifyChainButton.tsx";

const auditFilters = [
  <TextInput key="action" source="action" label="Action" alwaysOn />,
  <SelectInput
    key="actorType"
    source="actorType"
    label="Actor type"
    choices={[
      { id: "ACCOUNT", name: "Account" },
      { id: "STAFF", name: "Staff" },
      { id: "SYSTEM", name: "System" },
    ]}
    alwaysOn
  />,
  <TextInput key="actorId" source="actorId" label="Actor id" />,
  <TextInput key="subjectType" source="subjectType" label="Subject type" />,
  <TextInput key="subjectId" source="subjectId" label="Subject id" alwaysOn />,
  <DateTimeInput key="from" source="from" label="From" />,
  <DateTimeInput key="to" source="to" label="Until" />,
];

const AuditListActions = () => (
  <TopToolbar sx={{ alignItems: "center" }}>
    <VerifyChainButton />
    <FilterButton />
  </TopToolbar>
);

/** The audit log, newest first: who did what to which record, and why (a code). Ids and field names only. */
export const AuditList = () => (
  <List
    title="Audit log"
    filters={auditFilters}
    actions={<AuditListActions />}
    perPage={25}
    sort={{ field: "seq", order: "DESC" }}
  >
    <Datagrid bulkActionButtons={false} rowClick={false}>
      <TextField source="seq" label="Seq" sortable={false} />
      <DateField source="at" label="At" showTime sortable={false} />
      <TextField source="actorType" label="Actor type" sortable={false} />
      <TextField source="actorId" label="Actor" sortable={false} />
      <TextField source="action" label="Action" sortable={false} />
      <TextField source="subjectType" label="Subject type" sortable={false} />
      <TextField source="subjectId" label="Subject" sortable={false} />
      <TextField source="reason" label="Reason" sortable={false} />
      <TextField source="details" label="Details" sortable={false} />
      <TextField source="note" label="Note" sortable={false} emptyText="" />
    </Datagrid>
  </List>
);
