import {
  ChipField,
  CreateButton,
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  SelectInput,
  TextField,
  TopToolbar,
} from "react-admin";
import { type IncidentRecord, incidentStatuses } from "../dataProvider/incidents.ts";
import { ClockChip } from "./ClockChip.tsx";

const filters = [
  <SelectInput
    key="status"
    source="status"
    choices={incidentStatuses.map((id) => ({ id, name: `smsape.incidents.statuses.${id}` }))}
  />,
];

/** The breach register, newest first, each incident with its authority clock. */
export const IncidentList = () => (
  <List
    filters={filters}
    exporter={false}
    actions={
      <TopToolbar>
        <CreateButton label="smsape.incidents.open" />
      </TopToolbar>
    }
  >
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="reference" sortable={false} />
      <ChipField source="status" sortable={false} />
      <FunctionField
        label="smsape.incidents.authorityClock"
        render={(record: IncidentRecord) => <ClockChip clock={record.clock} />}
        sortable={false}
      />
      <DateField source="awareAt" showTime sortable={false} />
      <NumberField source="approxPeople" label="smsape.incidents.peopleApprox" sortable={false} />
      <NumberField source="notificationsCount" sortable={false} />
      <DateField source="createdAt" showTime sortable={false} />
    </Datagrid>
  </List>
);
