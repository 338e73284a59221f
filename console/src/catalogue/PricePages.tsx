import {
  Create,
  CreateButton,
  Datagrid,
  DeleteWithConfirmButton,
  Edit,
  FunctionField,
  List,
  minValue,
  NumberInput,
  ReferenceInput,
  required,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  Toolbar,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from "react-admin";
import { type PriceRecord, priceCurrency } from "../dataProvider/catalogue.ts";

/** "45 (USD 0.45)": minor units as stored, and what they make in the currency. */
export function formatPrice(price: Pick<PriceRecord, "amountMinor" | "currency">): string {
  return `${price.amountMinor} (${price.currency} ${(price.amountMinor / 100).toFixed(2)})`;
}

const filters = [
  <ReferenceInput key="countryCode" source="countryCode" reference="catalogueCountries" alwaysOn>
    <SelectInput
      label="smsape.catalogue.country"
      optionText={(country: { code: string; name: string }) => `${country.code} ${country.name}`}
    />
  </ReferenceInput>,
  <ReferenceInput key="serviceCode" source="serviceCode" reference="catalogueServices" alwaysOn>
    <SelectInput label="smsape.catalogue.service" optionText="code" />
  </ReferenceInput>,
];

/** Removing a price stops offering the pair: asked for with a confirmation. */
const RemovePriceButton = () => {
  const price = useRecordContext<PriceRecord>();
  const translate = useTranslate();
  if (!price) return null;
  return (
    <DeleteWithConfirmButton
      label="smsape.catalogue.remove"
      mutationMode="pessimistic"
      confirmTitle={translate("smsape.catalogue.removePriceTitle", { pair: price.id })}
      confirmContent={translate("smsape.catalogue.removePriceContent")}
      aria-label={translate("smsape.catalogue.removePriceLabel", { service: price.serviceCode, country: price.countryCode })}
    />
  );
};

/** Prices per country and service; a pair without one is not offered. */
export const PriceList = () => (
  <List
    filters={filters}
    exporter={false}
    perPage={50}
    sort={{ field: "id", order: "ASC" }}
    empty={false}
    actions={
      <TopToolbar>
        <CreateButton label="smsape.catalogue.setPrice" />
      </TopToolbar>
    }
  >
    <Datagrid rowClick="edit" bulkActionButtons={false}>
      <TextField source="countryCode" label="smsape.catalogue.country" />
      <TextField source="serviceCode" label="smsape.catalogue.service" />
      <FunctionField
        source="amountMinor"
        label="smsape.catalogue.priceMinorUnits"
        render={(price: PriceRecord) => formatPrice(price)}
      />
      <RemovePriceButton />
    </Datagrid>
  </List>
);

const AmountInput = () => {
  const translate = useTranslate();
  return (
    <NumberInput
      source="amountMinor"
      label={translate("smsape.catalogue.amount", { currency: priceCurrency })}
      helperText={translate("smsape.catalogue.amountHelp")}
      step={1}
      validate={[required(), minValue(1)]}
    />
  );
};

/** Setting the price of a service in a country (the pair becomes offered). */
export const PriceCreate = () => (
  <Create title="smsape.catalogue.setPrice" redirect="list">
    <SimpleForm>
      <ReferenceInput source="countryCode" reference="catalogueCountries">
        <SelectInput
          label="smsape.catalogue.country"
          optionText={(country: { code: string; name: string }) => `${country.code} ${country.name}`}
          validate={required()}
        />
      </ReferenceInput>
      <ReferenceInput source="serviceCode" reference="catalogueServices">
        <SelectInput
          label="smsape.catalogue.service"
          optionText={(service: { code: string; name: string }) => `${service.code} (${service.name})`}
          validate={required()}
        />
      </ReferenceInput>
      <AmountInput />
    </SimpleForm>
  </Create>
);

const EditToolbar = () => (
  <Toolbar sx={{ display: "flex", justifyContent: "space-between" }}>
    <SaveButton />
    <RemovePriceButton />
  </Toolbar>
);

/** Changing a price, or removing it. */
export const PriceEdit = () => (
  <Edit title="smsape.catalogue.changePrice" mutationMode="pessimistic" redirect="list">
    <SimpleForm toolbar={<EditToolbar />}>
      <TextInput source="countryCode" label="smsape.catalogue.country" disabled />
      <TextInput source="serviceCode" label="smsape.catalogue.service" disabled />
      <AmountInput />
    </SimpleForm>
  </Edit>
);
