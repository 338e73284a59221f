import { Chip, Stack } from "@mui/material";
import {
  BooleanInput,
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  SelectInput,
  TextField,
  useTranslate,
} from "react-admin";
import { type AbuseSignalRecord, abuseSignalKeyKinds } from "../dataProvider/abuseSignals.ts";

const KeyKindFilter = () => {
  const translate = useTranslate();
  return (
    <SelectInput
      source="keyKind"
      label={translate("smsape.abuseSignals.keyKind")}
      choices={abuseSignalKeyKinds.map((id) => ({ id, name: translate(`smsape.abuseSignals.keyKinds.${id}`) }))}
    />
  );
};

const DaysFilter = () => {
  const translate = useTranslate();
  return (
    <SelectInput
      source="days"
      label={translate("smsape.abuseSignals.days")}
      choices={[1, 7, 30].map((id) => ({ id, name: translate("smsape.abuseSignals.lastDays", { smart_count: id }) }))}
    />
  );
};

const PatternsFilter = () => {
  const translate = useTranslate();
  return <BooleanInput source="patternsOnly" label={translate("smsape.abuseSignals.patternsOnly")} />;
};

const filters = [<DaysFilter key="days" />, <KeyKindFilter key="keyKind" />, <PatternsFilter key="patternsOnly" />];

/** A keyed hash is long and means nothing to a reader: its start tells rows apart. */
const shortKey = (record: AbuseSignalRecord) => (record.keyKind === "SERVICE" ? record.key : `${record.key.slice(0, 12)}…`);

/**
 * Abuse signals (P12): per day, what each network, API key and service did,
 * by keys that name no one; the rows with a pattern first.
 */
export const AbuseSignalList = () => {
  const translate = useTranslate();
  return (
    <List filters={filters} filterDefaultValues={{ days: 1 }} exporter={false} perPage={25}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <TextField source="day" label={translate("smsape.abuseSignals.day")} sortable={false} />
        <FunctionField
          label={translate("smsape.abuseSignals.keyKind")}
          render={(record: AbuseSignalRecord) => translate(`smsape.abuseSignals.keyKinds.${record.keyKind}`)}
          sortable={false}
        />
        <FunctionField
          label={translate("smsape.abuseSignals.key")}
          render={(record: AbuseSignalRecord) => <span title={record.key}>{shortKey(record)}</span>}
          sortable={false}
        />
        <NumberField source="orders" label={translate("smsape.abuseSignals.orders")} sortable={false} />
        <NumberField source="cancels" label={translate("smsape.abuseSignals.cancels")} sortable={false} />
        <NumberField
          source="cancelRate"
          label={translate("smsape.abuseSignals.cancelRate")}
          options={{ style: "percent" }}
          sortable={false}
        />
        <NumberField source="signInFailures" label={translate("smsape.abuseSignals.signInFailures")} sortable={false} />
        <NumberField source="rateLimited" label={translate("smsape.abuseSignals.rateLimited")} sortable={false} />
        <FunctionField
          label={translate("smsape.abuseSignals.patterns")}
          render={(record: AbuseSignalRecord) => (
            <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: "wrap" }}>
              {record.patterns.map((pattern) => (
                <Chip
                  key={pattern}
                  size="small"
                  color="warning"
                  label={translate(`smsape.abuseSignals.patternNames.${pattern}`)}
                />
              ))}
            </Stack>
          )}
          sortable={false}
        />
        <DateField source="lastAt" label={translate("smsape.abuseSignals.lastAt")} showTime sortable={false} />
      </Datagrid>
    </List>
  );
};
