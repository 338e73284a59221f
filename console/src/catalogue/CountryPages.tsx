import {
  Create,
  CreateButton,
  Datagrid,
  Edit,
  List,
  maxLength,
  regex,
  required,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  useTranslate,
} from "react-admin";
import { SaveOnly } from "./SaveOnly.tsx";

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
        <CreateButton label="smsape.catalogue.addCountry" />
      </TopToolbar>
    }
  >
    <Datagrid rowClick="edit" bulkActionButtons={false}>
      <TextField source="code" label="smsape.catalogue.code" />
      <TextField source="name" label="smsape.catalogue.name" />
    </Datagrid>
  </List>
);

/** A country is added by its ISO code, which the API checks against the countries that have phone numbers. */
export const CountryCreate = () => {
  const translate = useTranslate();
  return (
    <Create title="smsape.catalogue.addCountry" redirect="list">
      <SimpleForm>
        <TextInput
          source="code"
          label="smsape.catalogue.isoCode"
          helperText={translate("smsape.catalogue.countryCodeHelp")}
          validate={[required(), regex(/^\s*[A-Za-z]{2}\s*$/, "smsape.catalogue.countryCodeShape")]}
        />
        <TextInput source="name" label="smsape.catalogue.name" validate={[required(), maxLength(100)]} />
      </SimpleForm>
    </Create>
  );
};

/** Renaming a country; its code is its identity. */
export const CountryEdit = () => (
  <Edit title="smsape.catalogue.renameCountry" mutationMode="pessimistic" redirect="list">
    <SimpleForm toolbar={<SaveOnly />}>
      <TextInput source="code" label="smsape.catalogue.isoCode" disabled />
      <TextInput source="name" label="smsape.catalogue.name" validate={[required(), maxLength(100)]} />
    </SimpleForm>
  </Edit>
);
