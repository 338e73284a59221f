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
import { Confirm, Link, Show, useNotify, useRecordContext, useRefresh } from "react-admin";
import { assignableStaff, type PrivacyRequestRecord, type RequestStatus, requestSteps } from "../dataProvider/privacyRequests.ts";
import { When, formatInstant as when } from "../i18n/dates.tsx";
import { jurisdictionLabels, kindLabels, statusLabels } from "./labels.ts";
import { RightsActions, type RightsRequest } from "./RightsActions.tsx";
import { SlaChip } from "./SlaChip.tsx";

/** Runs a step, refreshes the page on success, and shows the server's message on failure. */
function useStep() {
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
      const message = failure instanceof Error ? failure.message : "The step failed.";
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

const Clocks = ({ record }: { record: PrivacyRequestRecord }) => (
  <Section title="Clocks">
    <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
      <SlaChip status={record.slaStatus} />
      {record.concernsMinor ? <Chip size="small" color="error" label="Minor: 24-hour clock, first in the queue" /> : null}
      {record.extended ? <Chip size="small" variant="outlined" label="Extended" /> : null}
    </Stack>
    <Typography variant="body2">Received: {when(record.receivedAt)}</Typography>
    <Typography variant="body2">Receipt confirmed: {when(record.acknowledgedAt)}</Typography>
    {record.acknowledgeDueAt ? (
      <Typography variant="body2">Receipt due by (CCPA): {when(record.acknowledgeDueAt)}</Typography>
    ) : null}
    <Typography variant="body2">
      Our answer target: <When value={record.slaDueAt} relative />
    </Typography>
    <Typography variant="body2">
      Legal deadline: <When value={record.legalDueAt} relative />
    </Typography>
    {record.extended ? (
      <Typography variant="body2">
        Extended {when(record.extendedAt)}: {record.extensionReason}
      </Typography>
    ) : null}
  </Section>
);

const methods = [
  { id: "EMAIL_LINK", name: "Email link" },
  { id: "ID_DOCUMENT", name: "Identity document" },
  { id: "SIGNED_IN_SESSION", name: "Signed-in session" },
  { id: "OTHER", name: "Other (say how)" },
];

const Identity = ({ record }: { record: PrivacyRequestRecord }) => {
  const { run, error, busy } = useStep();
  const [method, setMethod] = useState("ID_DOCUMENT");
  const [note, setNote] = useState("");
  const [asking, setAsking] = useState(false);
  return (
    <Section title="Identity">
      {record.identityConfirmed ? (
        <Alert severity="success">
          Identity confirmed ({record.identityMethod ?? "recorded"}){record.identityNote ? `: ${record.identityNote}` : ""}
        </Alert>
      ) : (
        <>
          <Alert severity="warning" sx={{ mb: 2 }}>
            Identity pending: nothing is disclosed, changed or erased until the requester is confirmed as the account holder. A
            link was emailed to the account's address; the clock keeps running.
          </Alert>
          {record.status === "IDENTITY_PENDING" ? (
            <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
              <TextField select size="small" label="Method" value={method} onChange={(event) => setMethod(event.target.value)}>
                {methods.map((choice) => (
                  <MenuItem key={choice.id} value={choice.id}>
                    {choice.name}
                  </MenuItem>
                ))}
              </TextField>
              <TextField size="small" label="How you checked" value={note} onChange={(event) => setNote(event.target.value)} />
              <Button variant="contained" disabled={busy} onClick={() => setAsking(true)}>
                Confirm identity
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
        title="Confirm the requester's identity?"
        content="The request can then go ahead: data may be disclosed or erased. The method is recorded."
        onConfirm={() => {
          setAsking(false);
          void run(() => requestSteps.confirmIdentity(record.id, method, note), "Identity confirmed");
        }}
        onClose={() => setAsking(false)}
      />
    </Section>
  );
};

const Assignment = ({ record }: { record: PrivacyRequestRecord }) => {
  const { run, error, busy } = useStep();
  const [staff, setStaff] = useState<Array<{ id: string; displayName: string }>>([]);
  const [assignee, setAssignee] = useState(record.assignee?.id ?? "");
  useEffect(() => {
    assignableStaff()
      .then(setStaff)
      .catch(() => setStaff([]));
  }, []);
  return (
    <Section title="Assignee">
      <Stack direction="row" spacing={2} sx={{ alignItems: "center" }}>
        <TextField
          select
          size="small"
          label="Assignee"
          value={assignee}
          onChange={(event) => setAssignee(event.target.value)}
          sx={{ minWidth: 220 }}
        >
          <MenuItem value="">Unassigned</MenuItem>
          {staff.map((member) => (
            <MenuItem key={member.id} value={member.id}>
              {member.displayName}
            </MenuItem>
          ))}
        </TextField>
        <Button
          variant="outlined"
          disabled={busy}
          onClick={() => run(() => requestSteps.assign(record.id, assignee || null), "Assigned")}
        >
          Assign
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
  IN_PROGRESS: { label: "Start", reasonCode: "started" },
  AWAITING_APPROVAL: { label: "Send for approval", reasonCode: "prepared" },
  COMPLETED: { label: "Complete", reasonCode: "completed", irreversible: true },
};

const Steps = ({ record }: { record: PrivacyRequestRecord }) => {
  const { run, error, busy } = useStep();
  const [pending, setPending] = useState<RequestStatus | null>(null);
  const awaitingApproval = record.status === "AWAITING_APPROVAL";
  const available = record.nextSteps.filter((to) => simpleSteps[to]);
  if (available.length === 0 && !awaitingApproval) return null;
  const label = (to: RequestStatus) =>
    awaitingApproval
      ? to === "COMPLETED"
        ? "Approve"
        : to === "IN_PROGRESS"
          ? "Send back"
          : ""
      : (simpleSteps[to]?.label ?? to);
  const take = (to: RequestStatus) => {
    const reasonCode = awaitingApproval
      ? to === "COMPLETED"
        ? "approved"
        : "sent_back"
      : (simpleSteps[to]?.reasonCode ?? "step");
    void run(() => requestSteps.transition(record.id, to, reasonCode), `${statusLabels[to]}`);
  };
  return (
    <Section title={awaitingApproval ? "Approval" : "Next step"}>
      {awaitingApproval && available.length === 0 ? (
        <Alert severity="info">Waiting for a compliance reviewer's approval.</Alert>
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
        title={`${pending ? label(pending) : ""}: are you sure?`}
        content="This step is recorded on the request's timeline and in the audit log, and cannot be undone."
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
  const { run, error, busy } = useStep();
  const [reason, setReason] = useState("");
  const [asking, setAsking] = useState(false);
  if (!record.nextSteps.includes("EXTENDED")) return null;
  return (
    <Section title="Extend the deadline">
      <Typography variant="body2" sx={{ mb: 1 }}>
        Once only, before the legal deadline ({when(record.legalDueAt)}). The person receives the reason by email.
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: "flex-start" }}>
        <TextField
          multiline
          minRows={2}
          size="small"
          label="Reason sent to the person"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          sx={{ flex: 1 }}
        />
        <Button variant="outlined" disabled={busy || reason.trim().length === 0} onClick={() => setAsking(true)}>
          Extend
        </Button>
      </Stack>
      {error ? (
        <Alert severity="error" sx={{ mt: 2 }}>
          {error}
        </Alert>
      ) : null}
      <Confirm
        isOpen={asking}
        title="Extend the deadline and send the notice?"
        content="The law allows one extension; the notice with your reason is emailed at once."
        onConfirm={() => {
          setAsking(false);
          void run(() => requestSteps.extend(record.id, reason), "Extended; the notice was sent");
        }}
        onClose={() => setAsking(false)}
      />
    </Section>
  );
};

const rejectionReasons = [
  { id: "identity_not_confirmed", name: "Identity could not be confirmed" },
  { id: "manifestly_unfounded", name: "Manifestly unfounded" },
  { id: "excessive", name: "Excessive or repetitive" },
  { id: "legal_obligation", name: "A legal obligation prevents it" },
  { id: "no_data_held", name: "We hold no data on this person" },
  { id: "other", name: "Other" },
];

const Rejection = ({ record }: { record: PrivacyRequestRecord }) => {
  const { run, error, busy } = useStep();
  const [reasonCode, setReasonCode] = useState("identity_not_confirmed");
  const [message, setMessage] = useState("");
  const [asking, setAsking] = useState(false);
  if (!record.nextSteps.includes("REJECTED")) return null;
  return (
    <Section title="Reject">
      <Stack spacing={2}>
        <TextField
          select
          size="small"
          label="Reason"
          value={reasonCode}
          onChange={(event) => setReasonCode(event.target.value)}
          sx={{ maxWidth: 360 }}
        >
          {rejectionReasons.map((choice) => (
            <MenuItem key={choice.id} value={choice.id}>
              {choice.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          multiline
          minRows={2}
          size="small"
          label="Message to the person"
          value={message}
          onChange={(event) => setMessage(event.target.value)}
        />
        <Box>
          <Button color="error" variant="outlined" disabled={busy || message.trim().length === 0} onClick={() => setAsking(true)}>
            Reject
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
        title="Reject this request?"
        content="The person is emailed your message at once. A rejected request cannot be reopened."
        onConfirm={() => {
          setAsking(false);
          void run(() => requestSteps.reject(record.id, reasonCode, message), "Rejected; the person was told why");
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
  return (
    <Section title="Actions for this right">
      <Box data-testid="right-actions" data-kind={record.kind}>
        <Typography variant="body2" color="text.secondary">
          {kindLabels[record.kind] ?? record.kind} is carried out here.
          {record.expeditedErasure ? " A minor's data: the erasure skips the standard waiting steps." : ""}
        </Typography>
        <RightsActions request={{ id: record.id, kind: record.kind as RightsRequest["kind"] }} onChange={refresh} />
      </Box>
    </Section>
  );
};

const Timeline = ({ record }: { record: PrivacyRequestRecord }) => (
  <Section title="Timeline">
    <MuiList dense>
      {(record.timeline ?? []).map((step) => (
        <ListItem key={step.id} disableGutters>
          <ListItemText
            primary={`${when(step.at)} — ${step.fromStatus ? `${statusLabels[step.fromStatus]} → ` : ""}${statusLabels[step.toStatus]}`}
            secondary={`${step.actorType.toLowerCase()} · ${step.reasonCode}${step.note ? ` · ${step.note}` : ""}`}
          />
        </ListItem>
      ))}
    </MuiList>
  </Section>
);

const RequestPage = () => {
  const record = useRecordContext<PrivacyRequestRecord>();
  if (!record) return null;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={1} sx={{ mb: 2, alignItems: "center" }}>
        <Typography variant="h5">
          {kindLabels[record.kind] ?? record.kind} request · {statusLabels[record.status]}
        </Typography>
        <Chip size="small" label={jurisdictionLabels[record.jurisdiction] ?? record.jurisdiction} />
        <Chip size="small" variant="outlined" label={record.source} />
        {record.supportTicketId ? <Link to={`/supportTickets/${record.supportTicketId}/show`}>From a support ticket</Link> : null}
      </Stack>
      {record.details ? <Typography sx={{ mb: 1 }}>“{record.details}”</Typography> : null}
      {record.reporterContact ? (
        <Typography variant="body2" sx={{ mb: 2 }}>
          Reported by {record.reporterContact} about {record.concernedEmail ?? "an account"}
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
  <Show title="Privacy request">
    <RequestPage />
  </Show>
);
