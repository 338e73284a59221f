import { BooleanField, Datagrid, DateField, List, SelectField, TextField } from "react-admin";
import { staffRoleChoices } from "./roles.ts";

export const StaffList = () => (
  <List sort={{ field: "email", order: "ASC" }} pagination={false} perPage={1000} exporter={false}>
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="displayName" />
      <TextField source="email" />
      <SelectField source="role" choices={staffRoleChoices} />
      <BooleanField source="totpEnrolled" />
      <DateField source="disabledAt" showTime emptyText="—" />
    </Datagrid>
  </List>
);
