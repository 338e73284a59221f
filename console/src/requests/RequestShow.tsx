import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Divider,
  ListItem,
  ListItemText,
  MenuItem,
  List as MuiList,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import { type ReactNode, useEffect, useState } from "react";
import { Confirm, Link, Show, useNotify, useRecordContext, useRefresh, useTranslate } from "react-admin";
import { assignableStaff, type PrivacyRequestRecord, type RequestStatus, requestSteps } from "../dataProvider/privacyRequests.ts";
import { When, formatInstant as when } from "../i18n/dates.tsx";
import { useRequestLabels } from "./labels.ts";
import { RightsActions, type RightsRequest } from "./RightsActions.tsx";
import { SlaChip } from "./SlaChip.tsx";

/** Runs a step, refreshes the page on success (`done` is a message key), and shows the server's message on failure. */
function useStep() {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (step: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await step();
      notify(done, { type: "success" });
      refresh();
    } catch (failure) {
      const message = failure instanceof Error ? failure.message : translate("smsape.requests.stepFailed");
      setError(message);
      notify(message, { type: "error" });
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy };
}

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <Card variant="outlined" sx={{ mb: 2 }}>
    <CardContent>
      <Typography variant="h6" gutterBottom>
        {title}
      </Typography>
      {children}
    </CardContent>
  </Card>
);

const Clocks = ({ record }: { record: PrivacyRequestRecord }) => {
  const translate = useTranslate();
  return (
    <Section title={translate("smsape.requests.clocks.title")}>
      <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
        <SlaChip status={record.slaStatus} />
        {record.concernsMinor ? <Chip size="small" color="error" label={translate("smsape.requests.clocks.minor")} /> : null}
        {record.extended ? <Chip size="small" variant="outlined" label={translate("smsape.requests.extended")} /> : null}
      </Stack>
      <Typography variant="body2">{translate("smsape.requests.clocks.received", { at: when(record.receivedAt) })}</Typography>
      <Typography variant="body2">
        {translate("smsape.requests.clocks.acknowledged", { at: when(record.acknowledgedAt) })}
      </Typography>
      {record.acknowledgeDueAt ? (
        <Typography variant="body2">
          {translate("smsape.requests.clocks.acknowledgeDue", { at: when(record.acknowledgeDueAt) })}
        </Typography>
      ) : null}
      <Typography variant="body2">
        {translate("smsape.requests.clocks.answerTarget")} <When value={record.slaDueAt} relative />
      </Typography>
      <Typography variant="body2">
        {translate("smsape.requests.clocks.legalDeadline")} <When value={record.legalDueAt} relative />
      </Typography>
      {record.extended ? (
        <Typography variant="body2">
          {translate("smsape.requests.clocks.extended", { at: when(record.extendedAt), reason: record.extensionReason })}
        </Typography>
      ) : null}
    </Section>
  );
};

const methods = ["EMAIL_LINK", "ID_DOCUMENT", "SIGNED_IN_SESSION", "OTHER"] as const;

const Identity = ({ record }: { record: PrivacyRequestRecord }) => {
  const translate = useTranslate();
  const { run, error, busy } = useStep();
  const [method, setMethod] = useState("ID_DOCUMENT");
  const [note, setNote] = useState("");
  const [asking, setAsking] = useState(false);
  return (
    <Section title={translate("smsape.requests.identity.title")}>
      {record.identityConfirmed ? (
        <Alert severity="success">
          {translate("smsape.requests.identity.confirmed", {
            method: record.identityMethod ?? translate("smsape.requests.identity.recorded"),
            note: record.identityNote ? `: ${record.identityNote}` : "",
          })}
        </Alert>
      ) : (
        <>
          <Alert severity="warning" sx={{ mb: 2 }}>
            {translate("smsape.requests.identity.pending")}
          </Alert>
          {record.status === "IDENTITY_PENDING" ? (
            <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
              <TextField
                select
                size="small"
                label={translate("smsape.requests.identity.method")}
                value={method}
                onChange={(event) => setMethod(event.target.value)}
              >
                {methods.map((id) => (
                  <MenuItem key={id} value={id}>
                    {translate(`smsape.requests.identity.methods.${id}`)}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                size="small"
                label={translate("smsape.requests.identity.note")}
                value={note}
                onChange={(event) => setNote(event.target.value)}
              />
              <Button variant="contained" disabled={busy} onClick={() => setAsking(true)}>
                {translate("smsape.requests.identity.confirm")}
              </Button>
            </Stack>
          ) : null}
        </>
      )}
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      ) : null}
      <Confirm
        isOpen={asking}
        title="smsape.requests.identity.confirmTitle"
        content="smsape.requests.identity.confirmContent"
        onConfirm={() => {
          setAsking(false);
          void run(() => requestSteps.confirmIdentity(record.id, method, note), "smsape.requests.identity.done");
        }}
        onClose={() => setAsking(false)}
      />
    </Section>
  );
};

const Assignment = ({ record }: { record: PrivacyRequestRecord }) => {
  const translate = useTranslate();
  const { run, error, busy } = useStep();
  const [staff, setStaff] = useState<Array<{ id: string; displayName: string }>>([]);
  const [assignee, setAssignee] = useState(record.assignee?.id ?? "");
  useEffect(() => {
    assignableStaff()
      .then(setStaff)
      .catch(() => setStaff([]));
  }, []);
  return (
    <Section title={translate("smsape.requests.assignment.title")}>
      <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
        <TextField
          select
          size="small"
          label={translate("smsape.requests.assignment.assignee")}
          value={assignee}
          onChange={(event) => setAssignee(event.target.value)}
          sx={{ minWidth: 220 }}
        >
          <MenuItem value="">{translate("smsape.requests.unassigned")}</MenuItem>
          {staff.map((member) => (
            <MenuItem key={member.id} value={member.id}>
              {member.displayName}
            </MenuItem>
          ))}
        </TextField>
        <Button
          variant="outlined"
          disabled={busy}
          onClick={() => run(() => requestSteps.assign(record.id, assignee || null), "smsape.requests.assignment.done")}
        >
          {translate("smsape.requests.assignment.assign")}
        </Button>
      </Stack>
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      ) : null}
    </Section>
  );
};

/** The simple steps the signed-in member may take now; the server says which (`nextSteps`). */
const simpleSteps: Partial<Record<RequestStatus, { label: string; reasonCode: string; irreversible?: boolean }>> = {
  IN_PROGRESS: { label: "smsape.requests.steps.start", reasonCode: "started" },
  AWAITING_APPROVAL: { label: "smsape.requests.steps.sendForApproval", reasonCode: "prepared" },
  COMPLETED: { label: "smsape.requests.steps.complete", reasonCode: "completed", irreversible: true },
};

const Steps = ({ record }: { record: PrivacyRequestRecord }) => {
  const translate = useTranslate();
  const { run, error, busy } = useStep();
  const [pending, setPending] = useState<RequestStatus | null>(null);
  const awaitingApproval = record.status === "AWAITING_APPROVAL";
  const available = record.nextSteps.filter((to) => simpleSteps[to]);
  if (available.length === 0 && !awaitingApproval) return null;
  const label = (to: RequestStatus) =>
    awaitingApproval
      ? to === "COMPLETED"
        ? translate("smsape.requests.steps.approve")
        : to === "IN_PROGRESS"
          ? translate("smsape.requests.steps.sendBack")
          : ""
      : translate(simpleSteps[to]?.label ?? to, { _: to });
  const take = (to: RequestStatus) => {
    const reasonCode = awaitingApproval
      ? to === "COMPLETED"
        ? "approved"
        : "sent_back"
      : (simpleSteps[to]?.reasonCode ?? "step");
    void run(() => requestSteps.transition(record.id, to, reasonCode), `smsape.requests.statuses.${to}`);
  };
  return (
    <Section title={translate(awaitingApproval ? "smsape.requests.steps.approval" : "smsape.requests.steps.next")}>
      {awaitingApproval && available.length === 0 ? (
        <Alert severity="info">{translate("smsape.requests.steps.waiting")}</Alert>
      ) : null}
      <Stack direction="row" spacing={2}>
        {available.map((to) => (
          <Button
            key={to}
            variant={to === "COMPLETED" ? "contained" : "outlined"}
            disabled={busy}
            onClick={() => (simpleSteps[to]?.irreversible || awaitingApproval ? setPending(to) : take(to))}
          >
            {label(to)}
          </Button>
        ))}
      </Stack>
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      ) : null}
      <Confirm
        isOpen={pending !== null}
        title="smsape.requests.steps.confirmTitle"
        titleTranslateOptions={{ step: pending ? label(pending) : "" }}
        content="smsape.requests.steps.confirmContent"
        onConfirm={() => {
          if (pending) take(pending);
          setPending(null);
        }}
        onClose={() => setPending(null)}
      />
    </Section>
  );
};

const Extension = ({ record }: { record: PrivacyRequestRecord }) => {
  const translate = useTranslate();
  const { run, error, busy } = useStep();
  const [reason, setReason] = useState("");
  const [asking, setAsking] = useState(false);
  if (!record.nextSteps.includes("EXTENDED")) return null;
  return (
    <Section title={translate("smsape.requests.extension.title")}>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {translate("smsape.requests.extension.hint", { at: when(record.legalDueAt) })}
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: "flex-start" }}>
        <TextField
          multiline
          minRows={2}
          size="small"
          label={translate("smsape.requests.extension.reason")}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          sx={{ flex: 1 }}
        />
        <Button variant="outlined" disabled={busy || reason.trim().length === 0} onClick={() => setAsking(true)}>
          {translate("smsape.requests.extension.extend")}
        </Button>
      </Stack>
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      ) : null}
      <Confirm
        isOpen={asking}
        title="smsape.requests.extension.confirmTitle"
        content="smsape.requests.extension.confirmContent"
        onConfirm={() => {
          setAsking(false);
          void run(() => requestSteps.extend(record.id, reason), "smsape.requests.extension.done");
        }}
        onClose={() => setAsking(false)}
      />
    </Section>
  );
};

const rejectionReasons = [
  "identity_not_confirmed",
  "manifestly_unfounded",
  "excessive",
  "legal_obligation",
  "no_data_held",
  "other",
] as const;

const Rejection = ({ record }: { record: PrivacyRequestRecord }) => {
  const translate = useTranslate();
  const { run, error, busy } = useStep();
  const [reasonCode, setReasonCode] = useState("identity_not_confirmed");
  const [message, setMessage] = useState("");
  const [asking, setAsking] = useState(false);
  if (!record.nextSteps.includes("REJECTED")) return null;
  return (
    <Section title={translate("smsape.requests.rejection.title")}>
      <Stack spacing={2}>
        <TextField
          select
          size="small"
          label={translate("smsape.requests.rejection.reason")}
          value={reasonCode}
          onChange={(event) => setReasonCode(event.target.value)}
          sx={{ maxWidth: 360 }}
        >
          {rejectionReasons.map((id) => (
            <MenuItem key={id} value={id}>
              {translate(`smsape.requests.rejection.reasons.${id}`)}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          multiline
          minRows={2}
          size="small"
          label={translate("smsape.requests.rejection.message")}
          value={message}
          onChange={(event) => setMessage(event.target.value)}
        />
        <Box>
          <Button color="error" variant="outlined" disabled={busy || message.trim().length === 0} onClick={() => setAsking(true)}>
            {translate("smsape.requests.rejection.reject")}
          </Button>
        </Box>
      </Stack>
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      ) : null}
      <Confirm
        isOpen={asking}
        title="smsape.requests.rejection.confirmTitle"
        content="smsape.requests.rejection.confirmContent"
        onConfirm={() => {
          setAsking(false);
          void run(() => requestSteps.reject(record.id, reasonCode, message), "smsape.requests.rejection.done");
        }}
        onClose={() => setAsking(false)}
      />
    </Section>
  );
};

/**
 * Where the right itself is carried out (export, correction, erasure plan,
 * restriction): each right's controls are added here, for this request's kind.
 */
const RightActions = ({ record }: { record: PrivacyRequestRecord }) => {
  // A right's step changes the request (its timeline, its state): the page reloads it after each.
  const refresh = useRefresh();
  const translate = useTranslate();
  const labels = useRequestLabels();
  return (
    <Section title={translate("smsape.requests.actions.title")}>
      <Box data-testid="right-actions" data-kind={record.kind}>
        <Typography variant="body2" color="text.secondary">
          {translate("smsape.requests.actions.carriedOut", { kind: labels.kind(record.kind) })}
          {record.expeditedErasure ? translate("smsape.requests.actions.expedited") : ""}
        </Typography>
        <RightsActions request={{ id: record.id, kind: record.kind as RightsRequest["kind"] }} onChange={refresh} />
      </Box>
    </Section>
  );
};

const Timeline = ({ record }: { record: PrivacyRequestRecord }) => {
  const translate = useTranslate();
  const labels = useRequestLabels();
  return (
    <Section title={translate("smsape.requests.timeline")}>
      <MuiList dense>
        {(record.timeline ?? []).map((step) => (
          <ListItem key={step.id} disableGutters>
            <ListItemText
              primary={`${when(step.at)} — ${step.fromStatus ? `${labels.status(step.fromStatus)} → ` : ""}${labels.status(step.toStatus)}`}
              secondary={`${step.actorType.toLowerCase()} · ${step.reasonCode}${step.note ? ` · ${step.note}` : ""}`}
            />
          </ListItem>
        ))}
      </MuiList>
    </Section>
  );
};

const RequestPage = () => {
  const translate = useTranslate();
  const labels = useRequestLabels();
  const record = useRecordContext<PrivacyRequestRecord>();
  if (!record) return null;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={1} sx={{ mb: 2, alignItems: "center" }}>
        <Typography variant="h5">
          {translate("smsape.requests.heading", { kind: labels.kind(record.kind), status: labels.status(record.status) })}
        </Typography>
        <Chip size="small" label={labels.jurisdiction(record.jurisdiction)} />
        <Chip size="small" variant="outlined" label={record.source} />
        {record.supportTicketId ? (
          <Link to={`/supportTickets/${record.supportTicketId}/show`}>{translate("smsape.requests.fromTicket")}</Link>
        ) : null}
      </Stack>
      {record.details ? <Typography sx={{ mb: 1 }}>“{record.details}”</Typography> : null}
      {record.reporterContact ? (
        <Typography variant="body2" sx={{ mb: 2 }}>
          {translate("smsape.requests.reportedBy", {
            contact: record.reporterContact,
            concerned: record.concernedEmail ?? translate("smsape.requests.anAccount"),
          })}
        </Typography>
      ) : null}
      {record.resolution ? (
        <Alert severity="info" sx={{ mb: 2 }}>
          {record.resolution}
        </Alert>
      ) : null}
      <Clocks record={record} />
      <Identity record={record} />
      <Assignment record={record} />
      <Steps record={record} />
      <RightActions record={record} />
      <Extension record={record} />
      <Rejection record={record} />
      <Divider sx={{ my: 2 }} />
      <Timeline record={record} />
    </Box>
  );
};

export const RequestShow = () => (
  <Show title="smsape.requests.page">
    <RequestPage />
  </Show>
);
