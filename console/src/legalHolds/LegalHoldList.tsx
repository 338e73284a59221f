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
  useTranslate,
} from "react-admin";
import { type LegalHoldRecord, legalHoldStates } from "../dataProvider/retention.ts";
import { HeldData, HoldState } from "./HoldState.tsx";

/** `alwaysOn` is read by the list's filter form from this element. */
const StateFilter = (_props: { alwaysOn?: boolean }) => {
  const translate = useTranslate();
  return (
    <SelectInput
      source="state"
      label="Status"
      choices={legalHoldStates.map((id) => ({ id, name: translate(`smsape.retention.holdStates.${id}`) }))}
    />
  );
};

const filters = [
  <StateFilter key="state" alwaysOn />,
  <TextInput key="accountId" source="accountId" label="Account id" alwaysOn />,
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
      actions={<TopToolbar>{canManage && <CreateButton label="Place a hold" />}</TopToolbar>}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <FunctionField label="Status" sortable={false} render={(hold: LegalHoldRecord) => <HoldState hold={hold} />} />
        <FunctionField label="Holds" sortable={false} render={(hold: LegalHoldRecord) => <HeldData hold={hold} />} />
        <TextField source="reasonCode" label="Reason" sortable={false} />
        <DateField source="placedAt" label="Placed" showTime sortable={false} />
        <DateField source="until" label="Until" showTime emptyText="No end date" sortable={false} />
        <DateField source="liftedAt" label="Lifted" showTime emptyText="-" sortable={false} />
      </Datagrid>
    </List>
  );
};
