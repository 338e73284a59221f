import { Chip, Button as MuiButton } from "@mui/material";
import { useState } from "react";
import {
  Confirm,
  Datagrid,
  DateField,
  FunctionField,
  List,
  ReferenceInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from "react-admin";
import { type NumberStatus, numberStatuses, type PoolNumberRecord, retireNumber } from "../dataProvider/catalogue.ts";
import { AvailabilityTable } from "./AvailabilityTable.tsx";
import { ImportDialog } from "./ImportDialog.tsx";

const StatusFilter = (_props: { alwaysOn?: boolean }) => {
  const translate = useTranslate();
  return (
    <SelectInput
      source="status"
      label="Status"
      choices={numberStatuses.map((id) => ({ id, name: translate(`smsape.numberPool.statuses.${id}`) }))}
    />
  );
};

const filters = [
  <ReferenceInput key="countryCode" source="countryCode" reference="catalogueCountries" alwaysOn>
    <SelectInput label="Country" optionText={(country: { code: string; name: string }) => `${country.code} ${country.name}`} />
  </ReferenceInput>,
  <StatusFilter key="status" alwaysOn />,
  <TextInput key="operatorRoute" source="operatorRoute" label="Operator route" alwaysOn />,
  <TextInput key="search" source="search" label="Number contains" alwaysOn />,
];

const statusColors = { AVAILABLE: "success", ASSIGNED: "info", DISABLED: "default", RETIRED: "default" } as const;

const StatusChip = ({ status }: { status: NumberStatus }) => {
  const translate = useTranslate();
  return (
    <Chip
      size="small"
      variant={status === "RETIRED" ? "outlined" : "filled"}
      color={statusColors[status]}
      label={translate(`smsape.numberPool.statuses.${status}`)}
    />
  );
};

/** Retiring asks first: a retired number never comes back to the pool. */
const RetireButton = () => {
  const number = useRecordContext<PoolNumberRecord>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!number || number.status === "RETIRED") return null;
  const confirm = async () => {
    setBusy(true);
    try {
      await retireNumber(number.id);
      notify("smsape.numberPool.retiredDone", { type: "success", messageArgs: { number: number.phoneNumber } });
      refresh();
    } catch (failure) {
      notify(failure instanceof Error ? failure.message : String(failure), { type: "error" });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <>
      <MuiButton
        size="small"
        color="warning"
        variant="outlined"
        aria-label={translate("smsape.numberPool.retireLabel", { number: number.phoneNumber })}
        onClick={(event) => {
          // The row is not a link, but keep the click to the button.
          event.stopPropagation();
          setOpen(true);
        }}
      >
        {translate("smsape.numberPool.retire")}
      </MuiButton>
      <Confirm
        isOpen={open}
        loading={busy}
        title={translate("smsape.numberPool.retireTitle", { number: number.phoneNumber })}
        content={translate(
          number.status === "ASSIGNED" ? "smsape.numberPool.retireContentInUse" : "smsape.numberPool.retireContent",
        )}
        confirm={translate("smsape.numberPool.retire")}
        onConfirm={confirm}
        onClose={() => setOpen(false)}
      />
    </>
  );
};

const Actions = ({ onImport }: { onImport: () => void }) => {
  const translate = useTranslate();
  return (
    <TopToolbar>
      <MuiButton variant="contained" size="small" onClick={onImport}>
        {translate("smsape.numberPool.importNumbers")}
      </MuiButton>
    </TopToolbar>
  );
};

/** The pool: availability per service, then the numbers with filters, importing and retiring. */
export const PoolNumberList = () => {
  const [importing, setImporting] = useState(false);
  return (
    <>
      <AvailabilityTable />
      <List
        filters={filters}
        exporter={false}
        perPage={25}
        sort={{ field: "phoneNumber", order: "ASC" }}
        empty={false}
        actions={<Actions onImport={() => setImporting(true)} />}
        title="Number pool"
      >
        <Datagrid bulkActionButtons={false} rowClick={false}>
          <TextField source="phoneNumber" label="Number" sortable={false} />
          <TextField source="countryCode" label="Country" sortable={false} />
          <TextField source="operatorRoute" label="Route" emptyText="-" sortable={false} />
          <FunctionField label="Status" render={(number: PoolNumberRecord) => <StatusChip status={number.status} />} />
          <DateField source="createdAt" label="Added" sortable={false} />
          <DateField source="retiredAt" label="Retired" emptyText="-" sortable={false} />
          <RetireButton />
        </Datagrid>
      </List>
      <ImportDialog open={importing} onClose={() => setImporting(false)} />
    </>
  );
};
