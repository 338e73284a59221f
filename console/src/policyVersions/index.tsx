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
} from "react-admin";

/** Only compliance reviewers publish; others read the list. */
const VersionListActions = () => {
  const { permissions } = usePermissions();
  return (
    <TopToolbar>
      {Array.isArray(permissions) && permissions.includes("policy.publish") && <CreateButton label="Publish a version" />}
    </TopToolbar>
  );
};

const VersionList = () => (
  <List pagination={false} exporter={false} title="Privacy policy versions" actions={<VersionListActions />}>
    <Datagrid bulkActionButtons={false} rowClick="show">
      <TextField source="version" sortable={false} />
      <DateField source="effectiveAt" label="In force from" showTime sortable={false} />
      <DateField source="publishedAt" label="Published" showTime sortable={false} />
      <FunctionField
        label="Notices"
        render={(row: { noticesCompletedAt: string | null }) => (row.noticesCompletedAt ? "all accounts told" : "sending")}
      />
      <NumberField source="acknowledgements" label="Accepted by" sortable={false} />
    </Datagrid>
  </List>
);

const VersionShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="version" />
      <DateField source="effectiveAt" label="In force from" showTime />
      <DateField source="publishedAt" label="Published" showTime />
      <DateField source="noticesCompletedAt" label="Every account told" showTime emptyText="notices are going out" />
      <NumberField source="acknowledgements" label="Accepted by (accounts)" />
      <ArrayField source="recentAcknowledgements" label="Latest acceptances">
        <Datagrid bulkActionButtons={false} rowClick={false}>
          <TextField source="accountId" label="Account" />
          <DateField source="acknowledgedAt" label="Accepted" showTime />
        </Datagrid>
      </ArrayField>
    </SimpleShowLayout>
  </Show>
);

const dateOfText = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value ?? "") ? undefined : "The date the text carries, as YYYY-MM-DD";

/** Publishing is final: every account is emailed about the new version. */
const VersionCreate = () => (
  <Create title="Publish a new policy version" redirect="list">
    <SimpleForm>
      <TextInput source="version" label="Version (the text's date)" validate={[required(), dateOfText]} />
      <DateTimeInput source="effectiveAt" label="In force from" validate={required()} />
      <TextInput source="text" label="Full text" multiline minRows={10} fullWidth validate={required()} />
    </SimpleForm>
  </Create>
);

export default {
  list: VersionList,
  show: VersionShow,
  create: VersionCreate,
  options: { label: "Policy versions" },
};
