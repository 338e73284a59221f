import { BooleanField, Datagrid, List, TextField } from "react-admin";

/** Every cookie and storage entry the service sets in a browser, from the API's own list (P19). */
const BrowserStorageList = () => (
  <List pagination={false} exporter={false} title="smsape.browserStorage.title">
    <Datagrid bulkActionButtons={false} rowClick={false}>
      <TextField source="name" sortable={false} />
      <TextField source="kind" sortable={false} />
      <TextField source="setBy" sortable={false} />
      <TextField source="purpose" sortable={false} />
      <TextField source="lifetime" sortable={false} />
      <BooleanField source="strictlyNecessary" sortable={false} />
    </Datagrid>
  </List>
);

export default { list: BrowserStorageList, options: { label: "Cookies & storage" } };
