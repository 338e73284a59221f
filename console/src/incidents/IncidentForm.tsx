import {
  CheckboxGroupInput,
  DateTimeInput,
  NumberInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  useTranslate,
} from "react-admin";
import { breachDataCategories } from "../dataProvider/incidents.ts";

/** The register's fields, for opening an incident and for editing one (which may also mark it contained). */
export const IncidentForm = ({ editing = false }: { editing?: boolean }) => {
  const translate = useTranslate();
  const now = new Date();
  return (
    // A fresh read of the incident (the page regaining focus) must not wipe what the member is typing.
    <SimpleForm resetOptions={{ keepDirtyValues: true }}>
      <DateTimeInput source="discoveredAt" validate={required()} defaultValue={now} />
      <DateTimeInput
        source="awareAt"
        validate={required()}
        defaultValue={now}
        helperText={translate("smsape.incidents.awareHelp")}
      />
      <TextInput
        source="nature"
        multiline
        minRows={3}
        fullWidth
        validate={required()}
        helperText={translate("smsape.incidents.natureHelp")}
      />
      <CheckboxGroupInput
        source="dataCategories"
        choices={breachDataCategories.map((id) => ({ id, name: `smsape.incidents.categories.${id}` }))}
      />
      <NumberInput source="approxPeople" min={0} />
      <NumberInput source="approxRecords" min={0} />
      <TextInput source="likelyConsequences" multiline fullWidth />
      <TextInput source="measures" multiline fullWidth />
      {editing && (
        <SelectInput
          source="status"
          choices={(["OPEN", "CONTAINED"] as const).map((id) => ({ id, name: `smsape.incidents.statuses.${id}` }))}
          helperText="smsape.incidents.containedHelp"
        />
      )}
    </SimpleForm>
  );
};
