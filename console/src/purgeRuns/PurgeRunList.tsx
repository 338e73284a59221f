import {
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  useTranslate,
} from "react-admin";
import type { PurgeRunRecord } from "../dataProvider/retention.ts";

const filters = [
  <ReferenceInput key="policyKey" source="policyKey" reference="retentionPolicies" alwaysOn>
    <SelectInput label="resources.purgeRuns.fields.policyKey" optionText="key" />
  </ReferenceInput>,
];

/** Purge runs, newest first, each with its report's counts. */
export const PurgeRunList = () => {
  const translate = useTranslate();
  return (
    <List filters={filters} exporter={false} empty={false} sort={{ field: "startedAt", order: "DESC" }}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <DateField source="startedAt" showTime sortable={false} />
        <ReferenceField source="policyKey" reference="retentionPolicies" sortable={false} link="show" />
        <FunctionField
          source="trigger"
          sortable={false}
          render={(run: PurgeRunRecord) => translate(`smsape.retention.triggers.${run.trigger}`)}
        />
        <FunctionField
          source="status"
          sortable={false}
          render={(run: PurgeRunRecord) => translate(`smsape.retention.runStatuses.${run.status}`)}
        />
        <DateField source="cutoff" showTime sortable={false} />
        <NumberField source="examined" sortable={false} />
        <NumberField source="deleted" sortable={false} />
        <NumberField source="anonymised" sortable={false} />
        <NumberField source="heldBack" sortable={false} />
      </Datagrid>
    </List>
  );
};
