import {
  ArrayField,
  Create,
  CreateButton,
  Datagrid,
  DateField,
  DateTimeInput,
  FunctionField,
  List,
  NumberField,
  required,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  usePermissions,
  useTranslate,
} from "react-admin";

/** Only compliance reviewers publish; others read the list. */
const VersionListActions = () => {
  const { permissions } = usePermissions();
  return (
    <TopToolbar>
      {Array.isArray(permissions) && permissions.includes("policy.publish") && (
        <CreateButton label="smsape.policyVersions.publish" />
      )}
    </TopToolbar>
  );
};

const VersionList = () => {
  const translate = useTranslate();
  return (
    <List pagination={false} exporter={false} title="smsape.policyVersions.title" actions={<VersionListActions />}>
      <Datagrid bulkActionButtons={false} rowClick="show">
        <TextField source="version" sortable={false} />
        <DateField source="effectiveAt" showTime sortable={false} />
        <DateField source="publishedAt" showTime sortable={false} />
        <FunctionField
          label="smsape.policyVersions.notices"
          render={(row: { noticesCompletedAt: string | null }) =>
            translate(row.noticesCompletedAt ? "smsape.policyVersions.allTold" : "smsape.policyVersions.sending")
          }
        />
        <NumberField source="acknowledgements" sortable={false} />
      </Datagrid>
    </List>
  );
};

const VersionShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="version" />
      <DateField source="effectiveAt" showTime />
      <DateField source="publishedAt" showTime />
      <DateField source="noticesCompletedAt" showTime emptyText="smsape.policyVersions.noticesGoingOut" />
      <NumberField source="acknowledgements" label="smsape.policyVersions.acceptedByAccounts" />
      <ArrayField source="recentAcknowledgements">
        <Datagrid bulkActionButtons={false} rowClick={false}>
          <TextField source="accountId" />
          <DateField source="acknowledgedAt" showTime />
        </Datagrid>
      </ArrayField>
    </SimpleShowLayout>
  </Show>
);

const dateOfText = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value ?? "") ? undefined : "smsape.policyVersions.versionFormat";

/** Publishing is final: every account is emailed about the new version. */
const VersionCreate = () => (
  <Create title="smsape.policyVersions.createTitle" redirect="list">
    <SimpleForm>
      <TextInput source="version" label="smsape.policyVersions.versionInput" validate={[required(), dateOfText]} />
      <DateTimeInput source="effectiveAt" validate={required()} />
      <TextInput source="text" multiline minRows={10} fullWidth validate={required()} />
    </SimpleForm>
  </Create>
);

export default {
  list: VersionList,
  show: VersionShow,
  create: VersionCreate,
  options: { label: "Policy versions" },
};
