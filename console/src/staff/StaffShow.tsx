import { Stack } from "@mui/material";
import {
  ArrayField,
  BooleanField,
  Datagrid,
  DateField,
  EmailField,
  Labeled,
  SelectField,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useTranslate,
} from "react-admin";
import { staffRoleChoices } from "./roles.ts";
import { ChangeRole, DisableStaffButton, EnableStaffButton, ResetTotpButton, RevokeSessionButton } from "./StaffActions.tsx";

const StaffShowActions = () => (
  <TopToolbar>
    <Stack direction="row" spacing={1}>
      <ResetTotpButton />
      <DisableStaffButton />
      <EnableStaffButton />
    </Stack>
  </TopToolbar>
);

/** A member, the actions on them, and their sessions with a Revoke button on each live one. */
export const StaffShow = () => {
  const translate = useTranslate();
  return (
    <Show actions={<StaffShowActions />}>
      <SimpleShowLayout>
        <TextField source="displayName" />
        <EmailField source="email" />
        <SelectField source="role" choices={staffRoleChoices} />
        <Labeled label={translate("smsape.staff.changeRole")}>
          <ChangeRole />
        </Labeled>
        <BooleanField source="totpEnrolled" />
        <DateField source="createdAt" showTime />
        <DateField source="disabledAt" showTime emptyText="—" />
        <DateField source="lockedUntil" showTime emptyText="—" />
        <Labeled label={translate("smsape.staff.sessions")} fullWidth>
          <ArrayField source="sessions">
            <Datagrid bulkActionButtons={false} rowClick={false} empty={<span>{translate("smsape.staff.noSessions")}</span>}>
              <DateField source="createdAt" showTime />
              <DateField source="lastSeenAt" showTime />
              <DateField source="absoluteExpiresAt" showTime />
              <DateField source="revokedAt" showTime emptyText="—" />
              <BooleanField source="live" />
              <BooleanField source="current" />
              <RevokeSessionButton />
            </Datagrid>
          </ArrayField>
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
};
