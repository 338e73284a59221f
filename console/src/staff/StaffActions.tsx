import { MenuItem, Button as MuiButton, TextField as MuiTextField, Stack, Typography } from "@mui/material";
import { useState } from "react";
import {
  Confirm,
  type RaRecord,
  useDelete,
  useGetIdentity,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
  useUpdate,
} from "react-admin";
import type { StaffAction } from "../dataProvider/staff.ts";
import { staffRoleChoices } from "./roles.ts";

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

const actionTexts: Record<"disable" | "enable" | "resetTotp", { button: string; title: string; content: string; done: string }> =
  {
    disable: {
      button: "smsape.staff.disable",
      title: "smsape.staff.disableTitle",
      content: "smsape.staff.disableContent",
      done: "smsape.staff.disabled",
    },
    enable: {
      button: "smsape.staff.enable",
      title: "smsape.staff.enableTitle",
      content: "smsape.staff.enableContent",
      done: "smsape.staff.enabled",
    },
    resetTotp: {
      button: "smsape.staff.resetTotp",
      title: "smsape.staff.resetTotpTitle",
      content: "smsape.staff.resetTotpContent",
      done: "smsape.staff.resetDone",
    },
  };

type StaffMemberRecord = RaRecord & { displayName: string; role: string; disabledAt: string | null };

/** Runs an action on the member on show, refreshes the page, and reports the outcome. */
function useStaffAction(done: string) {
  const record = useRecordContext<StaffMemberRecord>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [update, { isPending }] = useUpdate();
  const run = (data: { action: StaffAction; role?: string }, close: () => void) => {
    if (!record) return;
    update(
      "staff",
      { id: record.id, data, previousData: record },
      {
        onSuccess: () => {
          notify(done, { type: "success" });
          refresh();
          close();
        },
        onError: (error) => {
          notify(error instanceof Error ? error.message : String(error), { type: "error" });
          close();
        },
      },
    );
  };
  return { record, run, isPending };
}

const StaffActionButton = ({
  action,
  color,
}: {
  action: "disable" | "enable" | "resetTotp";
  color: "error" | "warning" | "primary";
}) => {
  const translate = useTranslate();
  const texts = actionTexts[action];
  const { record, run, isPending } = useStaffAction(texts.done);
  const dialog = useConfirmed((done) => run({ action }, done));
  if (!record || (action === "disable" && record.disabledAt) || (action === "enable" && !record.disabledAt)) return null;
  const name = record.displayName;
  return (
    <>
      <MuiButton color={color} variant="outlined" onClick={dialog.ask} disabled={isPending}>
        {translate(texts.button)}
      </MuiButton>
      <Confirm
        isOpen={dialog.open}
        loading={isPending}
        title={translate(texts.title, { name })}
        content={translate(texts.content)}
        onConfirm={dialog.confirm}
        onClose={dialog.cancel}
      />
    </>
  );
};

export const DisableStaffButton = () => <StaffActionButton action="disable" color="error" />;
export const EnableStaffButton = () => <StaffActionButton action="enable" color="primary" />;
export const ResetTotpButton = () => <StaffActionButton action="resetTotp" color="warning" />;

/** The role selector of a member's page: another member's role changes after a confirmation; one's own does not. */
export const ChangeRole = () => {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const { record, run, isPending } = useStaffAction("smsape.staff.roleChanged");
  const [role, setRole] = useState("");
  const dialog = useConfirmed((done) => run({ action: "changeRole", role }, done));
  if (!record) return null;
  if (identity?.id === record.id) {
    return <Typography color="text.secondary">{translate("smsape.staff.ownRole")}</Typography>;
  }
  const roles = staffRoleChoices.filter((choice) => choice.id !== record.role);
  const chosen = roles.find((choice) => choice.id === role);
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
      <MuiTextField
        select
        size="small"
        sx={{ minWidth: 180 }}
        label={translate("smsape.staff.newRole")}
        value={chosen ? role : ""}
        onChange={(event) => setRole(event.target.value)}
      >
        {roles.map((choice) => (
          <MenuItem key={choice.id} value={choice.id}>
            {translate(choice.name)}
          </MenuItem>
        ))}
      </MuiTextField>
      <MuiButton variant="outlined" onClick={dialog.ask} disabled={!chosen || isPending}>
        {translate("smsape.staff.changeRole")}
      </MuiButton>
      <Confirm
        isOpen={dialog.open}
        loading={isPending}
        title={translate("smsape.staff.changeRoleTitle", {
          name: record.displayName,
          role: chosen ? translate(chosen.name) : "",
        })}
        content={translate("smsape.staff.changeRoleContent")}
        onConfirm={dialog.confirm}
        onClose={dialog.cancel}
      />
    </Stack>
  );
};

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
