import { Chip } from "@mui/material";
import { useTranslate } from "react-admin";
import type { LegalHoldRecord } from "../dataProvider/retention.ts";

/** Whether a hold holds now: active, lifted by a member, or past its end date. */
export const HoldState = ({ hold }: { hold: LegalHoldRecord }) => {
  const translate = useTranslate();
  const state = hold.active ? "active" : hold.liftedAt ? "lifted" : "ended";
  return (
    <Chip size="small" color={hold.active ? "warning" : "default"} label={translate(`smsape.retention.holdState.${state}`)} />
  );
};

/** What a hold keeps: one account (by id), or every record of a policy's category. */
export const HeldData = ({ hold }: { hold: LegalHoldRecord }) => {
  const translate = useTranslate();
  return (
    <span style={{ fontFamily: hold.scope === "ACCOUNT" ? "monospace" : undefined }}>
      {hold.scope === "ACCOUNT"
        ? translate("smsape.retention.holds.account", { id: hold.accountId })
        : translate("smsape.retention.holds.category", { key: hold.policyKey })}
    </span>
  );
};
