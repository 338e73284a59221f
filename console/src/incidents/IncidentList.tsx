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
  useTranslate,
} from "react-admin";
import { type IncidentRecord, incidentStatuses } from "../dataProvider/incidents.ts";
import { ClockChip } from "./ClockChip.tsx";

const StatusFilter = () => {
  const translate = useTranslate();
  return (
    <SelectInput
      source="status"
      label="Status"
      choices={incidentStatuses.map((id) => ({ id, name: translate(`smsape.incidents.statuses.${id}`) }))}
    />
  );
};

const filters = [<StatusFilter key="status" />];

/** The breach register, newest first, each incident with its authority clock. */
export const IncidentList = () => (
  <List
    filters={filters}
    exporter={false}
    actions={
      <TopToolbar>
        <CreateButton label="Open an incident" />
      </TopToolbar>
    }
  >
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="reference" sortable={false} />
      <ChipField source="status" sortable={false} />
      <FunctionField
        label="Authority clock"
        render={(record: IncidentRecord) => <ClockChip clock={record.clock} />}
        sortable={false}
      />
      <DateField source="awareAt" label="Aware at" showTime sortable={false} />
      <NumberField source="approxPeople" label="People (approx.)" sortable={false} />
      <NumberField source="notificationsCount" label="Notified" sortable={false} />
      <DateField source="createdAt" label="Opened" showTime sortable={false} />
    </Datagrid>
  </List>
);
