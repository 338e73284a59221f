import {
  Create,
  CreateButton,
  Datagrid,
  Edit,
  FunctionField,
  List,
  maxLength,
  required,
  SimpleForm,
  TextField,
  TextInput,
  TopToolbar,
  useTranslate,
} from "react-admin";
import type { ServiceRecord } from "../dataProvider/catalogue.ts";
import { SaveOnly } from "./SaveOnly.tsx";

/** The catalogue's services, each with the pattern that finds the code in its SMS. */
export const ServiceList = () => {
  const translate = useTranslate();
  return (
    <List
      exporter={false}
      pagination={false}
      perPage={1000}
      sort={{ field: "code", order: "ASC" }}
      empty={false}
      actions={
        <TopToolbar>
          <CreateButton label="smsape.catalogue.addService" />
        </TopToolbar>
      }
    >
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="code" label="smsape.catalogue.code" />
        <TextField source="name" label="smsape.catalogue.name" />
        <FunctionField
          label="smsape.catalogue.codePattern"
          sortable={false}
          render={(service: ServiceRecord) =>
            service.codePattern ? <code>{service.codePattern}</code> : <em>{translate("smsape.catalogue.defaultPattern")}</em>
          }
        />
      </Datagrid>
    </List>
  );
};

/** The code pattern input: the API checks it compiles, has a group for the code and cannot backtrack catastrophically. */
const CodePatternInput = () => {
  const translate = useTranslate();
  return (
    <TextInput
      source="codePattern"
      label="smsape.catalogue.codePattern"
      helperText={translate("smsape.catalogue.codePatternHelp")}
      validate={maxLength(200)}
      fullWidth
      sx={{ maxWidth: 640, "& input": { fontFamily: "monospace" } }}
    />
  );
};

export const ServiceCreate = () => {
  const translate = useTranslate();
  return (
    <Create title="smsape.catalogue.addService" redirect="list">
      <SimpleForm>
        <TextInput
          source="code"
          label="smsape.catalogue.code"
          helperText={translate("smsape.catalogue.serviceCodeHelp")}
          validate={required()}
        />
        <TextInput source="name" label="smsape.catalogue.name" validate={[required(), maxLength(100)]} />
        <CodePatternInput />
      </SimpleForm>
    </Create>
  );
};

/** Changing a service's name or code pattern; an empty pattern goes back to the default. */
export const ServiceEdit = () => (
  <Edit title="smsape.catalogue.editService" mutationMode="pessimistic" redirect="list">
    <SimpleForm toolbar={<SaveOnly />}>
      <TextInput source="code" label="smsape.catalogue.code" disabled />
      <TextInput source="name" label="smsape.catalogue.name" validate={[required(), maxLength(100)]} />
      <CodePatternInput />
    </SimpleForm>
  </Edit>
);
