import { Typography } from "@mui/material";
import {
  Create,
  DateTimeInput,
  FormDataConsumer,
  RadioButtonGroupInput,
  ReferenceInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  useTranslate,
} from "react-admin";
import { type LegalHoldRecord, legalHoldScopes } from "../dataProvider/retention.ts";
import { ReasonCodeInput } from "../inputs/ReasonCodeInput.tsx";

/** Reason codes usually given for placing a hold. */
export const placeReasonCodes = ["litigation", "authority_inquiry", "law_enforcement_request", "internal_investigation"] as const;

/** Placing a hold on one account (by its id) or on a whole category, with a reason code and an optional end date. */
export const LegalHoldCreate = () => {
  const translate = useTranslate();
  return (
    <Create title="smsape.retention.holds.placeTitle" redirect="show">
      <SimpleForm defaultValues={{ scope: "ACCOUNT" }}>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2, maxWidth: 720 }}>
          {translate("smsape.retention.holdHint")}
        </Typography>
        <RadioButtonGroupInput
          source="scope"
          validate={required()}
          choices={legalHoldScopes.map((id) => ({ id, name: `smsape.retention.holdScopes.${id}` }))}
        />
        <FormDataConsumer<Partial<LegalHoldRecord>>>
          {({ formData }) =>
            formData.scope === "CATEGORY" ? (
              <ReferenceInput source="policyKey" reference="retentionPolicies">
                <SelectInput
                  label="resources.legalHolds.fields.policyKey"
                  optionText={(policy: { key: string; description: string }) => `${policy.key}: ${policy.description}`}
                  validate={required()}
                />
              </ReferenceInput>
            ) : (
              <TextInput source="accountId" validate={required()} sx={{ minWidth: 360 }} />
            )
          }
        </FormDataConsumer>
        <ReasonCodeInput source="reasonCode" suggestions={placeReasonCodes} validate={required()} />
        <DateTimeInput
          source="until"
          label="smsape.retention.holds.untilOptional"
          helperText="smsape.retention.holds.untilHelp"
        />
      </SimpleForm>
    </Create>
  );
};
