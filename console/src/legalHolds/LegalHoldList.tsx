import {
  CreateButton,
  Datagrid,
  DateField,
  FunctionField,
  List,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  usePermissions,
} from "react-admin";
import { type LegalHoldRecord, legalHoldStates } from "../dataProvider/retention.ts";
import { HeldData, HoldState } from "./HoldState.tsx";

const filters = [
  <SelectInput
    key="state"
    source="state"
    choices={legalHoldStates.map((id) => ({ id, name: `smsape.retention.holdStates.${id}` }))}
    alwaysOn
  />,
  <TextInput key="accountId" source="accountId" alwaysOn />,
];

/** Legal holds, newest first: what each keeps, why, since when and until when. */
export const LegalHoldList = () => {
  const { permissions } = usePermissions();
  const canManage = Array.isArray(permissions) && permissions.includes("retention.manage");
  return (
    <List
      filters={filters}
      exporter={false}
      // No holds yet still shows the filters and "Place a hold", not react-admin's empty page.
      empty={false}
      actions={<TopToolbar>{canManage && <CreateButton label="smsape.retention.holds.place" />}</TopToolbar>}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <FunctionField source="state" sortable={false} render={(hold: LegalHoldRecord) => <HoldState hold={hold} />} />
        <FunctionField source="scope" sortable={false} render={(hold: LegalHoldRecord) => <HeldData hold={hold} />} />
        <TextField source="reasonCode" sortable={false} />
        <DateField source="placedAt" showTime sortable={false} />
        <DateField source="until" showTime emptyText="smsape.retention.holds.noEnd" sortable={false} />
        <DateField source="liftedAt" showTime emptyText="-" sortable={false} />
      </Datagrid>
    </List>
  );
};
