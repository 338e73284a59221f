import { Alert, Box, Button, Stack, Typography } from "@mui/material";
import { useState } from "react";
import {
  Edit,
  FormDataConsumer,
  NumberInput,
  required,
  SaveButton,
  SelectInput,
  SimpleForm,
  Toolbar,
  useNotify,
  useRecordContext,
  useRedirect,
  useTranslate,
} from "react-admin";
import { type DryRunResult, dryRun, type RetentionPolicyRecord } from "../dataProvider/retention.ts";
import { ReasonCodeInput } from "../inputs/ReasonCodeInput.tsx";
import { formatPeriod, type PeriodUnit, periodSecs, periodUnits, splitPeriod } from "./period.ts";

/** Reason codes usually given for changing a period. */
export const periodReasonCodes = ["legal_review", "dpo_decision", "authority_guidance", "service_change"] as const;

interface PeriodValues {
  periodAmount?: number | string | null;
  periodUnit?: PeriodUnit;
  reasonCode?: string;
}

/** The period the form proposes, in seconds, or null while the amount is not a positive number. */
function proposedSecs(values: PeriodValues): number | null {
  const amount = Number(values.periodAmount);
  if (values.periodAmount === "" || values.periodAmount == null || !(amount > 0) || !values.periodUnit) return null;
  return periodSecs(amount, values.periodUnit);
}

interface Preview {
  secs: number;
  result: DryRunResult;
}

/**
 * Changing a policy's period: an amount and a unit, a reason code, and the
 * impact (a dry run with the proposed period) shown before the change can
 * be saved. The API audits the change with the old and new periods.
 */
export const RetentionPolicyEdit = () => {
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Edit
      title="smsape.retention.changeTitle"
      mutationMode="pessimistic"
      queryOptions={{
        // The API's own message ("The retention policy was not found.") rather than react-admin's generic one.
        onError: (error: Error) => {
          notify(error.message, { type: "error" });
          redirect("list", "retentionPolicies");
        },
      }}
      transform={(values: PeriodValues) => ({
        retentionSecs: proposedSecs(values) ?? 0,
        reasonCode: values.reasonCode ?? "",
      })}
      mutationOptions={{
        onSuccess: (policy: RetentionPolicyRecord) => {
          notify("smsape.retention.periodSaved", { type: "success" });
          redirect("show", "retentionPolicies", policy.id);
        },
      }}
    >
      <PeriodForm />
    </Edit>
  );
};

const PeriodForm = () => {
  const translate = useTranslate();
  const policy = useRecordContext<RetentionPolicyRecord>();
  const [preview, setPreview] = useState<Preview | null>(null);
  if (!policy) return null;
  const current = splitPeriod(policy.retentionSecs);
  return (
    <SimpleForm
      defaultValues={{ periodAmount: current.amount, periodUnit: current.unit, reasonCode: "" }}
      // A fresh read of the policy must not wipe what the member is typing.
      resetOptions={{ keepDirtyValues: true }}
      toolbar={<PeriodToolbar preview={preview} />}
    >
      <Typography variant="h6">
        {policy.key}: {policy.description}
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>
        {translate("smsape.retention.keptNow", {
          period: formatPeriod(policy.retentionSecs, translate),
          event: translate(`smsape.retention.events.${policy.countedFrom}`),
        })}
      </Typography>
      <Stack direction="row" spacing={2}>
        <NumberInput source="periodAmount" min={1} validate={required()} helperText={translate("smsape.retention.periodHelp")} />
        <SelectInput
          source="periodUnit"
          validate={required()}
          choices={periodUnits.map((id) => ({ id, name: `smsape.retention.unitChoices.${id}` }))}
        />
      </Stack>
      <ReasonCodeInput source="reasonCode" suggestions={periodReasonCodes} validate={required()} />
      <FormDataConsumer<PeriodValues>>
        {({ formData }) => (
          <ImpactPreview policyKey={policy.key} secs={proposedSecs(formData)} preview={preview} onPreview={setPreview} />
        )}
      </FormDataConsumer>
    </SimpleForm>
  );
};

/** Runs the dry run with the proposed period and says what saving it would remove now. */
const ImpactPreview = ({
  policyKey,
  secs,
  preview,
  onPreview,
}: {
  policyKey: string;
  secs: number | null;
  preview: Preview | null;
  onPreview: (preview: Preview | null) => void;
}) => {
  const translate = useTranslate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (secs === null) return;
    setBusy(true);
    setError(null);
    try {
      onPreview({ secs, result: await dryRun(policyKey, secs) });
    } catch (failure) {
      onPreview(null);
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const current = preview !== null && preview.secs === secs ? preview.result : null;
  return (
    <Stack spacing={2} sx={{ mb: 2, maxWidth: 720 }}>
      <Typography variant="body2" color="text.secondary">
        {translate("smsape.retention.impactHint")}
      </Typography>
      <Box>
        <Button variant="outlined" onClick={run} disabled={secs === null || busy}>
          {translate("smsape.retention.previewImpact")}
        </Button>
      </Box>
      {current && (
        <Alert severity={current.due - current.heldBack > 0 ? "warning" : "info"}>
          {translate("smsape.retention.impact", {
            smart_count: current.due - current.heldBack,
            heldBack: current.heldBack,
            period: formatPeriod(current.retentionSecs, translate),
          })}
        </Alert>
      )}
      {error && <Alert severity="error">{error}</Alert>}
    </Stack>
  );
};

/** Saving is possible once the impact of the period now in the form has been shown. */
const PeriodToolbar = ({ preview }: { preview: Preview | null }) => {
  const translate = useTranslate();
  return (
    <Toolbar>
      <FormDataConsumer<PeriodValues>>
        {({ formData }) => {
          const previewed = preview !== null && preview.secs === proposedSecs(formData);
          return (
            <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
              <SaveButton label="smsape.retention.savePeriod" disabled={!previewed} />
              {!previewed && (
                <Typography variant="body2" color="text.secondary">
                  {translate("smsape.retention.previewFirst")}
                </Typography>
              )}
            </Stack>
          );
        }}
      </FormDataConsumer>
    </Toolbar>
  );
};
