import {
  Create,
  CreateButton,
  Datagrid,
  Edit,
  List,
  maxLength,
  regex,
  required,
  SaveButton,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  TopToolbar,
  useTranslate,
} from "react-admin";

/** Entries are changed, never deleted: prices and numbers refer to them. */
const SaveOnly = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

/** The catalogue's countries, by code. */
export const CountryList = () => (
  <List
    exporter={false}
    pagination={false}
    perPage={1000}
    sort={{ field: "code", order: "ASC" }}
    empty={false}
    actions={
      <TopToolbar>
        <CreateButton label="Add a country" />
      </TopToolbar>
    }
  >
    <Datagrid rowClick="edit" bulkActionButtons={false}>
      <TextField source="code" label="Code" />
      <TextField source="name" label="Name" />
    </Datagrid>
  </List>
);

/** A country is added by its ISO code, which the API checks against the countries that have phone numbers. */
export const CountryCreate = () => {
  const translate = useTranslate();
  return (
    <Create title="Add a country" redirect="list">
      <SimpleForm>
        <TextInput
          source="code"
          label="ISO code"
          helperText={translate("smsape.catalogue.countryCodeHelp")}
          validate={[required(), regex(/^\s*[A-Za-z]{2}\s*$/, "smsape.catalogue.countryCodeShape")]}
        />
        <TextInput source="name" label="Name" validate={[required(), maxLength(100)]} />
      </SimpleForm>
    </Create>
  );
};

/** Renaming a country; its code is its identity. */
export const CountryEdit = () => (
  <Edit title="Rename a country" mutationMode="pessimistic" redirect="list">
    <SimpleForm toolbar={<SaveOnly />}>
      <TextInput source="code" label="ISO code" disabled />
      <TextInput source="name" label="Name" validate={[required(), maxLength(100)]} />
    </SimpleForm>
  </Edit>
);
