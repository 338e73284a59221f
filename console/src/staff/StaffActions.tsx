import { Button as MuiButton } from "@mui/material";
import { useState } from "react";
import { Confirm, type RaRecord, useDelete, useNotify, useRecordContext, useRefresh, useTranslate, useUpdate } from "react-admin";
import type { StaffAction } from "../dataProvider/staff.ts";

/** A button that asks first, then runs `action` on the member on show. Nothing irreversible happens without the confirmation. */
function useConfirmed(onConfirm: (done: () => void) => void) {
  const [open, setOpen] = useState(false);
  return {
    open,
    ask: () => setOpen(true),
    cancel: () => setOpen(false),
    confirm: () => onConfirm(() => setOpen(false)),
  };
}

const StaffActionButton = ({ action, color }: { action: StaffAction; color: "error" | "warning" }) => {
  const record = useRecordContext<RaRecord & { displayName: string; disabledAt: string | null }>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [update, { isPending }] = useUpdate();
  const dialog = useConfirmed((done) => {
    if (!record) return;
    update(
      "staff",
      { id: record.id, data: { action }, previousData: record },
      {
        onSuccess: () => {
          notify(action === "disable" ? "smsape.staff.disabled" : "smsape.staff.resetDone", { type: "success" });
          refresh();
          done();
        },
        onError: (error) => {
          notify(error instanceof Error ? error.message : String(error), { type: "error" });
          done();
        },
      },
    );
  });
  if (!record || (action === "disable" && record.disabledAt)) return null;
  const name = record.displayName;
  return (
    <>
      <MuiButton color={color} variant="outlined" onClick={dialog.ask} disabled={isPending}>
        {translate(action === "disable" ? "smsape.staff.disable" : "smsape.staff.resetTotp")}
      </MuiButton>
      <Confirm
        isOpen={dialog.open}
        loading={isPending}
        title={translate(action === "disable" ? "smsape.staff.disableTitle" : "smsape.staff.resetTotpTitle", { name })}
        content={translate(action === "disable" ? "smsape.staff.disableContent" : "smsape.staff.resetTotpContent")}
        onConfirm={dialog.confirm}
        onClose={dialog.cancel}
      />
    </>
  );
};

export const DisableStaffButton = () => <StaffActionButton action="disable" color="error" />;
export const ResetTotpButton = () => <StaffActionButton action="resetTotp" color="warning" />;

/** In a row of the member's sessions: revokes that session after confirmation. */
export const RevokeSessionButton = () => {
  const session = useRecordContext<RaRecord & { live: boolean }>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [revoke, { isPending }] = useDelete();
  const dialog = useConfirmed((done) => {
    if (!session) return;
    revoke(
      "staffSessions",
      { id: session.id, previousData: session },
      {
        onSuccess: () => {
          notify("smsape.staff.revoked", { type: "success" });
          refresh();
          done();
        },
        onError: (error) => {
          notify(error instanceof Error ? error.message : String(error), { type: "error" });
          done();
        },
      },
    );
  });
  if (!session?.live) return null;
  return (
    <>
      <MuiButton size="small" color="error" onClick={dialog.ask} disabled={isPending}>
        {translate("smsape.staff.revoke")}
      </MuiButton>
      <Confirm
        isOpen={dialog.open}
        loading={isPending}
        title={translate("smsape.staff.revokeTitle")}
        content={translate("smsape.staff.revokeContent")}
        onConfirm={dialog.confirm}
        onClose={dialog.cancel}
      />
    </>
  );
};
