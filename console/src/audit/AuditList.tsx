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
  <TextInput key="action" source="action" alwaysOn />,
  <SelectInput
    key="actorType"
    source="actorType"
    choices={[
      { id: "ACCOUNT", name: "smsape.audit.actorTypes.ACCOUNT" },
      { id: "STAFF", name: "smsape.audit.actorTypes.STAFF" },
      { id: "SYSTEM", name: "smsape.audit.actorTypes.SYSTEM" },
    ]}
    alwaysOn
  />,
  <TextInput key="actorId" source="actorId" label="smsape.audit.actorIdFilter" />,
  <TextInput key="subjectType" source="subjectType" />,
  <TextInput key="subjectId" source="subjectId" label="smsape.audit.subjectIdFilter" alwaysOn />,
  <DateTimeInput key="from" source="from" />,
  <DateTimeInput key="to" source="to" />,
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
    title="smsape.audit.title"
    filters={auditFilters}
    actions={<AuditListActions />}
    perPage={25}
    sort={{ field: "seq", order: "DESC" }}
  >
    <Datagrid bulkActionButtons={false} rowClick={false}>
      <TextField source="seq" sortable={false} />
      <DateField source="at" showTime sortable={false} />
      <TextField source="actorType" sortable={false} />
      <TextField source="actorId" sortable={false} />
      <TextField source="action" sortable={false} />
      <TextField source="subjectType" sortable={false} />
      <TextField source="subjectId" sortable={false} />
      <TextField source="reason" sortable={false} />
      <TextField source="details" sortable={false} />
      <TextField source="note" sortable={false} emptyText="" />
    </Datagrid>
  </List>
);
