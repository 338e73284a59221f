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
      <DateTimeInput source="discoveredAt" label="Discovered at" validate={required()} defaultValue={now} />
      <DateTimeInput
        source="awareAt"
        label="Aware at"
        validate={required()}
        defaultValue={now}
        helperText={translate("smsape.incidents.awareHelp")}
      />
      <TextInput
        source="nature"
        label="Nature of the breach"
        multiline
        minRows={3}
        fullWidth
        validate={required()}
        helperText={translate("smsape.incidents.natureHelp")}
      />
      <CheckboxGroupInput
        source="dataCategories"
        label="Data concerned"
        choices={breachDataCategories.map((id) => ({ id, name: translate(`smsape.incidents.categories.${id}`) }))}
      />
      <NumberInput source="approxPeople" label="People concerned (approx.)" min={0} />
      <NumberInput source="approxRecords" label="Records concerned (approx.)" min={0} />
      <TextInput source="likelyConsequences" label="Likely consequences" multiline fullWidth />
      <TextInput source="measures" label="Measures taken or proposed" multiline fullWidth />
      {editing && (
        <SelectInput
          source="status"
          choices={(["OPEN", "CONTAINED"] as const).map((id) => ({ id, name: translate(`smsape.incidents.statuses.${id}`) }))}
          helperText="Closing has its own step on the incident's page."
        />
      )}
    </SimpleForm>
  );
};
