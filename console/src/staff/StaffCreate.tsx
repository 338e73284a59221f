import { Create, email, PasswordInput, required, SelectInput, SimpleForm, TextInput } from "react-admin";
import { staffRoleChoices } from "./roles.ts";

/** A new member gets an initial password; they enrol an authenticator at their first sign-in. */
export const StaffCreate = () => (
  <Create redirect="show">
    <SimpleForm>
      <TextInput source="displayName" validate={required()} />
      <TextInput source="email" type="email" validate={[required(), email()]} />
      <SelectInput source="role" choices={staffRoleChoices} validate={required()} />
      <PasswordInput source="password" validate={required()} />
    </SimpleForm>
  </Create>
);
