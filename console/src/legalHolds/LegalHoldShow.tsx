import {
  Alert,
  Button,
  Card,
  CardContent,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Link as MuiLink,
  Typography,
} from "@mui/material";
import { useState } from "react";
import {
  DateField,
  FunctionField,
  Link,
  ReferenceField,
  ShowContextProvider,
  SimpleShowLayout,
  TextField,
  Title,
  TopToolbar,
  useNotify,
  usePermissions,
  useShowController,
  useTranslate,
} from "react-admin";
import { type LegalHoldRecord, liftLegalHold } from "../dataProvider/retention.ts";
import { ReasonCodeField } from "../inputs/ReasonCodeInput.tsx";
import { HeldData, HoldState } from "./HoldState.tsx";

/** Reason codes usually given for lifting a hold. */
export const liftReasonCodes = ["case_closed", "inquiry_closed", "placed_in_error"] as const;

/** A hold's page: what it keeps and why, who placed it, and lifting it with a reason code. */
export const LegalHoldShow = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const { permissions } = usePermissions();
  const canManage = Array.isArray(permissions) && permissions.includes("retention.manage");
  const canReadAccounts = Array.isArray(permissions) && permissions.includes("accounts.read");
  const controller = useShowController<LegalHoldRecord>({
    // The page shows the API's own message ("… was not found.") rather than react-admin's generic one.
    queryOptions: { retry: false, onError: () => undefined },
  });
  const [lifting, setLifting] = useState(false);
  const hold = controller.record;
  if (controller.error) return <Alert severity="error">{(controller.error as Error).message}</Alert>;
  if (!hold) return null;
  return (
    <ShowContextProvider value={controller}>
      <Title title="smsape.retention.holds.title" />
      <TopToolbar>
        {canManage && hold.active && (
          <Button color="warning" variant="outlined" onClick={() => setLifting(true)}>
            {translate("smsape.retention.holds.lift")}
          </Button>
        )}
      </TopToolbar>
      <Card variant="outlined" sx={{ mb: 4 }}>
        <CardContent>
          <Typography variant="h6" gutterBottom>
            {translate("smsape.retention.holds.heading")} <HeldData hold={hold} />
          </Typography>
          <SimpleShowLayout sx={{ p: 0 }}>
            <FunctionField source="active" label="resources.legalHolds.fields.state" render={() => <HoldState hold={hold} />} />
            <FunctionField
              label="smsape.retention.holds.scope"
              render={() => translate(`smsape.retention.holdScopes.${hold.scope}`)}
            />
            {hold.scope === "ACCOUNT" ? (
              <FunctionField
                source="accountId"
                render={() =>
                  canReadAccounts ? (
                    <MuiLink component={Link} to={`/accounts/${hold.accountId}/show`}>
                      {hold.accountId}
                    </MuiLink>
                  ) : (
                    hold.accountId
                  )
                }
              />
            ) : (
              <ReferenceField source="policyKey" reference="retentionPolicies" link="show" />
            )}
            <TextField source="reasonCode" />
            <DateField source="placedAt" showTime />
            <TextField source="placedById" />
            <DateField source="until" showTime emptyText="smsape.retention.holds.noEndLong" />
            <DateField source="liftedAt" showTime emptyText="-" />
            <TextField source="liftReason" emptyText="-" />
            <TextField source="liftedById" emptyText="-" />
          </SimpleShowLayout>
        </CardContent>
      </Card>
      <LiftDialog
        open={lifting}
        onClose={() => setLifting(false)}
        onConfirm={async (reasonCode) => {
          await liftLegalHold(hold.id, reasonCode);
          setLifting(false);
          await controller.refetch();
          notify("smsape.retention.lifted", { type: "success" });
        }}
      />
    </ShowContextProvider>
  );
};

/** Asks for the reason code, says what lifting does, and lifts on confirmation; the API's refusal shows in the dialog. */
const LiftDialog = ({
  open,
  onClose,
  onConfirm,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: (reasonCode: string) => Promise<void>;
}) => {
  const translate = useTranslate();
  const [reasonCode, setReasonCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reasonCode);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{translate("smsape.retention.liftTitle")}</DialogTitle>
      <DialogContent sx={{ display: "flex", flexDirection: "column", gap: 2, pt: "8px !important" }}>
        <Typography variant="body2">{translate("smsape.retention.liftContent")}</Typography>
        <ReasonCodeField
          value={reasonCode}
          onChange={setReasonCode}
          suggestions={liftReasonCodes}
          required
          helperText={translate("smsape.retention.reasonCodeHelp")}
        />
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate("ra.action.cancel")}</Button>
        <Button onClick={confirm} disabled={!reasonCode.trim() || busy} variant="contained" color="warning">
          {translate("smsape.retention.holds.liftHold")}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
