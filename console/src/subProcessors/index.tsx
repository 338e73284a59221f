import { Datagrid, FunctionField, List, TextField } from "react-admin";

const joined = (values: string[]) => values.join(", ");

/** The vendors that receive personal data, what they receive and what they never do (P13). */
const SubProcessorList = () => (
  <List pagination={false} exporter={false} title="smsape.subProcessors.title">
    <Datagrid bulkActionButtons={false} rowClick={false}>
      <TextField source="name" sortable={false} />
      <TextField source="purpose" sortable={false} />
      <FunctionField source="receives" sortable={false} render={(entry: { receives: string[] }) => joined(entry.receives)} />
      <FunctionField
        source="neverReceives"
        sortable={false}
        render={(entry: { neverReceives: string[] }) => joined(entry.neverReceives)}
      />
      <TextField source="direction" sortable={false} />
      <TextField source="location" sortable={false} />
      <TextField source="since" sortable={false} />
    </Datagrid>
  </List>
);

export default { list: SubProcessorList, options: { label: "Sub-processors" } };
