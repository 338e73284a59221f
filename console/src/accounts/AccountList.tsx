import { Typography } from "@mui/material";
import { BooleanField, Datagrid, DateField, List, SearchInput, TextField, useListContext, useTranslate } from "react-admin";

/** Until something is searched for, the page says how to find an account instead of listing any. */
const AccountResults = () => {
  const translate = useTranslate();
  const { filterValues, total, isPending } = useListContext();
  if (!filterValues.q) {
    return (
      <Typography sx={{ p: 2 }} color="text.secondary">
        {translate("smsape.accounts.searchHint")}
      </Typography>
    );
  }
  if (!isPending && total === 0) {
    return <Typography sx={{ p: 2 }}>{translate("smsape.accounts.noMatch")}</Typography>;
  }
  return (
    <Datagrid rowClick="show" bulkActionButtons={false}>
      <TextField source="maskedEmail" label="smsape.accounts.maskedEmail" sortable={false} />
      <TextField source="jurisdiction" sortable={false} />
      <BooleanField source="emailVerified" label="smsape.accounts.verified" sortable={false} />
      <BooleanField source="restricted" sortable={false} />
      <DateField source="createdAt" label="smsape.accounts.created" showTime sortable={false} />
    </Datagrid>
  );
};

export const AccountList = () => {
  const translate = useTranslate();
  // SearchInput does not translate a placeholder it is given.
  const filters = [
    <SearchInput
      key="q"
      source="q"
      alwaysOn
      placeholder={translate("smsape.accounts.searchPlaceholder")}
      sx={{ minWidth: 360 }}
    />,
  ];
  return (
    <List filters={filters} pagination={false} exporter={false} empty={false} disableSyncWithLocation={false}>
      <AccountResults />
    </List>
  );
};
