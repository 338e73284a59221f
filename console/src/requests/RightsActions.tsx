/**
 * The controls that carry out a request's right (P14-P17), for the request
 * page: access export, correction with before and after, the erasure plan
 * with Approve and Run (disabled for its preparer), restriction and objection.
 * Every irreversible step asks for confirmation; every error shows its message.
 */
import {
  Box,
  Button,
  Chip,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from "@mui/material";
import { useCallback, useEffect, useState } from "react";
import { Confirm, useGetIdentity, useNotify, usePermissions, useTranslate } from "react-admin";
import * as rights from "../dataProvider/privacyRights.ts";

export interface RightsRequest {
  id: string;
  kind: "ACCESS" | "CORRECTION" | "DELETION" | "RESTRICTION" | "OBJECTION";
}

/** A step waiting for confirmation; `title`, `content` and `done` are message keys, `contentArgs` fill `content`. */
interface PendingAction {
  title: string;
  content: string;
  contentArgs?: Record<string, string>;
  run: () => Promise<unknown>;
  done: string;
}

export function RightsActions({ request, onChange }: { request: RightsRequest; onChange?: () => void }) {
  const notify = useNotify();
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      await pending.run();
      notify(pending.done, { type: "success" });
      onChange?.();
    } catch (error) {
      notify(error instanceof Error ? error.message : "smsape.requests.rights.failed", { type: "error" });
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  return (
    <Box>
      {request.kind === "ACCESS" && <AccessControls request={request} ask={setPending} />}
      {request.kind === "CORRECTION" && <CorrectionControls request={request} ask={setPending} />}
      {request.kind === "DELETION" && <ErasureControls request={request} ask={setPending} />}
      {(request.kind === "RESTRICTION" || request.kind === "OBJECTION") && (
        <RestrictionControls request={request} ask={setPending} />
      )}
      <Confirm
        isOpen={pending !== null}
        loading={busy}
        title={pending?.title ?? ""}
        content={pending?.content ?? ""}
        contentTranslateOptions={pending?.contentArgs}
        onConfirm={confirm}
        onClose={() => setPending(null)}
      />
    </Box>
  );
}

type Ask = (action: PendingAction) => void;

function AccessControls({ request, ask }: { request: RightsRequest; ask: Ask }) {
  const translate = useTranslate();
  return (
    <Stack spacing={1}>
      <Typography variant="body2">{translate("smsape.requests.rights.access.hint")}</Typography>
      <Button
        variant="contained"
        onClick={() =>
          ask({
            title: "smsape.requests.rights.access.title",
            content: "smsape.requests.rights.access.content",
            run: () => rights.prepareAccessExport(request.id),
            done: "smsape.requests.rights.access.done",
          })
        }
      >
        {translate("smsape.requests.rights.access.send")}
      </Button>
    </Stack>
  );
}

/** The fields a correction can change; `label` names the field's message under `smsape.requests.rights.correction.fields`. */
const correctable = [
  { field: "Account.jurisdiction", label: "jurisdiction", needsRecord: false },
  { field: "ApiKey.name", label: "apiKeyName", needsRecord: true },
];

function CorrectionControls({ request, ask }: { request: RightsRequest; ask: Ask }) {
  const translate = useTranslate();
  const [field, setField] = useState(correctable[0]!.field);
  const [value, setValue] = useState("");
  const [recordId, setRecordId] = useState("");
  const [corrections, setCorrections] = useState<rights.PrivacyCorrection[]>([]);
  const reload = useCallback(() => {
    rights.privacyCorrections(request.id).then(setCorrections, () => setCorrections([]));
  }, [request.id]);
  useEffect(reload, [reload]);
  const needsRecord = correctable.find((item) => item.field === field)?.needsRecord ?? false;

  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1}>
        <TextField
          select
          size="small"
          label={translate("smsape.requests.rights.correction.field")}
          value={field}
          onChange={(event) => setField(event.target.value)}
        >
          {correctable.map((item) => (
            <MenuItem key={item.field} value={item.field}>
              {translate(`smsape.requests.rights.correction.fields.${item.label}`)}
            </MenuItem>
          ))}
        </TextField>
        {needsRecord && (
          <TextField
            size="small"
            label={translate("smsape.requests.rights.correction.recordId")}
            value={recordId}
            onChange={(event) => setRecordId(event.target.value)}
          />
        )}
        <TextField
          size="small"
          label={translate("smsape.requests.rights.correction.value")}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <Button
          variant="contained"
          disabled={!value}
          onClick={() =>
            ask({
              title: "smsape.requests.rights.correction.title",
              content: "smsape.requests.rights.correction.content",
              contentArgs: { field, value },
              run: async () => {
                await rights.applyCorrection({ requestId: request.id, field, value, recordId: needsRecord ? recordId : null });
                reload();
              },
              done: "smsape.requests.rights.correction.done",
            })
          }
        >
          {translate("smsape.requests.rights.correction.apply")}
        </Button>
      </Stack>
      {corrections.length > 0 && (
        <Table size="small" aria-label={translate("smsape.requests.rights.correction.table")}>
          <TableHead>
            <TableRow>
              <TableCell>{translate("smsape.requests.rights.correction.field")}</TableCell>
              <TableCell>{translate("smsape.requests.rights.correction.before")}</TableCell>
              <TableCell>{translate("smsape.requests.rights.correction.after")}</TableCell>
              <TableCell>{translate("smsape.requests.rights.correction.applied")}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {corrections.map((correction) => (
              <TableRow key={correction.id}>
                <TableCell>{correction.field}</TableCell>
                <TableCell>{correction.beforeValue}</TableCell>
                <TableCell>{correction.afterValue}</TableCell>
                <TableCell>{correction.appliedAt}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Stack>
  );
}

function ErasureControls({ request, ask }: { request: RightsRequest; ask: Ask }) {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const [plan, setPlan] = useState<rights.ErasurePlan | null>(null);
  const reload = useCallback(() => {
    rights.erasurePlans(request.id).then(
      (plans) => setPlan(plans[0] ?? null),
      () => setPlan(null),
    );
  }, [request.id]);
  useEffect(reload, [reload]);
  const preparedByMe = plan !== null && identity?.id === plan.preparedBy;
  // Approving and running are for compliance reviewers (erasure.approve); others see the plan only.
  const { permissions } = usePermissions();
  const mayApprove = Array.isArray(permissions) && permissions.includes("erasure.approve");
  /** `step` names the messages `<step>Title`, `<step>Content` and the `done` one under `smsape.requests.rights.erasure`. */
  const act = (step: string, run: () => Promise<unknown>, done: string) =>
    ask({
      title: `smsape.requests.rights.erasure.${step}Title`,
      content: `smsape.requests.rights.erasure.${step}Content`,
      done: `smsape.requests.rights.erasure.${done}`,
      run: async () => {
        await run();
        reload();
      },
    });

  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
        <Button variant="outlined" onClick={() => act("prepare", () => rights.planErasure(request.id), "prepared")}>
          {translate("smsape.requests.rights.erasure.prepare")}
        </Button>
        {plan && <Chip label={plan.status} />}
        {plan && mayApprove && (
          <Button
            variant="contained"
            disabled={plan.status !== "PREPARED" || preparedByMe}
            title={preparedByMe ? translate("smsape.requests.rights.erasure.notYours") : undefined}
            onClick={() => act("approve", () => rights.approveErasure(plan.id), "approved")}
          >
            {translate("smsape.requests.rights.erasure.approve")}
          </Button>
        )}
        {plan && mayApprove && (
          <Button
            variant="contained"
            color="error"
            disabled={plan.status !== "APPROVED" || preparedByMe}
            onClick={() => act("run", () => rights.runErasure(plan.id), "ran")}
          >
            {translate("smsape.requests.rights.erasure.run")}
          </Button>
        )}
      </Stack>
      {plan && (
        <Table size="small" aria-label={translate("smsape.requests.rights.erasure.table")}>
          <TableHead>
            <TableRow>
              <TableCell>{translate("smsape.requests.rights.erasure.model")}</TableCell>
              <TableCell>{translate("smsape.requests.rights.erasure.action")}</TableCell>
              <TableCell>{translate("smsape.requests.rights.erasure.rows")}</TableCell>
              <TableCell>{translate("smsape.requests.rights.erasure.keptUnder")}</TableCell>
              <TableCell>{translate("smsape.requests.rights.erasure.until")}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {plan.steps.map((step) => (
              <TableRow key={step.model}>
                <TableCell>{step.model}</TableCell>
                <TableCell>
                  {step.action === "anonymise"
                    ? translate("smsape.requests.rights.erasure.anonymise", { fields: step.anonymise.join(", ") })
                    : step.action}
                </TableCell>
                <TableCell>{step.rows}</TableCell>
                <TableCell>{step.keptUnder ?? ""}</TableCell>
                <TableCell>{step.keptUntil?.slice(0, 10) ?? ""}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {plan?.scan && (
        <Typography variant="body2">
          {translate("smsape.requests.rights.erasure.scan", {
            tables: plan.scan.tables,
            outcome: translate(`smsape.requests.rights.erasure.${plan.scan.clean ? "clean" : "findings"}`),
            hits: plan.scan.hits
              .map((hit) => ` · ${hit.column}: ${hit.explanation ?? translate("smsape.requests.rights.erasure.unexplained")}`)
              .join(""),
            recipients: plan.recipients.map((recipient) => recipient.recipient).join(", "),
          })}
        </Typography>
      )}
    </Stack>
  );
}

function RestrictionControls({ request, ask }: { request: RightsRequest; ask: Ask }) {
  const translate = useTranslate();
  const [paths, setPaths] = useState<Array<{ path: string; description: string }>>([]);
  const [path, setPath] = useState("");
  useEffect(() => {
    rights.processingPaths().then(setPaths, () => setPaths([]));
  }, []);
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1}>
        <Button
          variant="outlined"
          onClick={() =>
            ask({
              title: "smsape.requests.rights.restriction.restrictTitle",
              content: "smsape.requests.rights.restriction.restrictContent",
              run: () => rights.applyRestriction(request.id),
              done: "smsape.requests.rights.restriction.restricted",
            })
          }
        >
          {translate("smsape.requests.rights.restriction.restrict")}
        </Button>
        <Button
          variant="outlined"
          onClick={() =>
            ask({
              title: "smsape.requests.rights.restriction.liftTitle",
              content: "smsape.requests.rights.restriction.liftContent",
              run: () => rights.liftRestriction(request.id),
              done: "smsape.requests.rights.restriction.lifted",
            })
          }
        >
          {translate("smsape.requests.rights.restriction.lift")}
        </Button>
      </Stack>
      {request.kind === "OBJECTION" && (
        <Stack direction="row" spacing={1}>
          <TextField
            select
            size="small"
            label={translate("smsape.requests.rights.restriction.path")}
            value={path}
            onChange={(event) => setPath(event.target.value)}
            sx={{ minWidth: 240 }}
          >
            {paths.map((item) => (
              <MenuItem key={item.path} value={item.path} title={item.description}>
                {item.path}
              </MenuItem>
            ))}
          </TextField>
          <Button
            variant="contained"
            disabled={!path}
            onClick={() =>
              ask({
                title: "smsape.requests.rights.restriction.recordTitle",
                content: "smsape.requests.rights.restriction.recordContent",
                contentArgs: { path },
                run: () => rights.recordObjection(request.id, path),
                done: "smsape.requests.rights.restriction.recorded",
              })
            }
          >
            {translate("smsape.requests.rights.restriction.record")}
          </Button>
        </Stack>
      )}
    </Stack>
  );
}
