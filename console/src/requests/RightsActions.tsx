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
import { Confirm, useGetIdentity, useNotify, usePermissions } from "react-admin";
import * as rights from "../dataProvider/privacyRights.ts";

export interface RightsRequest {
  id: string;
  kind: "ACCESS" | "CORRECTION" | "DELETION" | "RESTRICTION" | "OBJECTION";
}

interface PendingAction {
  title: string;
  content: string;
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
      notify(error instanceof Error ? error.message : "That did not work.", { type: "error" });
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
        onConfirm={confirm}
        onClose={() => setPending(null)}
      />
    </Box>
  );
}

type Ask = (action: PendingAction) => void;

function AccessControls({ request, ask }: { request: RightsRequest; ask: Ask }) {
  return (
    <Stack spacing={1}>
      <Typography variant="body2">
        The copy is computed from the data inventory and emailed to the person as a single-use link that works only while they are
        signed in, for seven days. Staff never see it.
      </Typography>
      <Button
        variant="contained"
        onClick={() =>
          ask({
            title: "Send the person a copy of their data?",
            content: "A download link goes to the account's email address.",
            run: () => rights.prepareAccessExport(request.id),
            done: "The download link was emailed to the person.",
          })
        }
      >
        Prepare and send the copy
      </Button>
    </Stack>
  );
}

const correctable = [
  { field: "Account.jurisdiction", label: "Jurisdiction (GDPR, CCPA, OTHER)", needsRecord: false },
  { field: "ApiKey.name", label: "API key name", needsRecord: true },
];

function CorrectionControls({ request, ask }: { request: RightsRequest; ask: Ask }) {
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
        <TextField select size="small" label="Field" value={field} onChange={(event) => setField(event.target.value)}>
          {correctable.map((item) => (
            <MenuItem key={item.field} value={item.field}>
              {item.label}
            </MenuItem>
          ))}
        </TextField>
        {needsRecord && (
          <TextField size="small" label="Record id" value={recordId} onChange={(event) => setRecordId(event.target.value)} />
        )}
        <TextField size="small" label="Correct value" value={value} onChange={(event) => setValue(event.target.value)} />
        <Button
          variant="contained"
          disabled={!value}
          onClick={() =>
            ask({
              title: "Apply this correction?",
              content: `${field} becomes "${value}". The value before and after is kept with the request.`,
              run: async () => {
                await rights.applyCorrection({ requestId: request.id, field, value, recordId: needsRecord ? recordId : null });
                reload();
              },
              done: "The correction was applied.",
            })
          }
        >
          Apply
        </Button>
      </Stack>
      {corrections.length > 0 && (
        <Table size="small" aria-label="Corrections applied">
          <TableHead>
            <TableRow>
              <TableCell>Field</TableCell>
              <TableCell>Before</TableCell>
              <TableCell>After</TableCell>
              <TableCell>Applied</TableCell>
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
  const act = (title: string, content: string, run: () => Promise<unknown>, done: string) =>
    ask({
      title,
      content,
      done,
      run: async () => {
        await run();
        reload();
      },
    });

  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
        <Button
          variant="outlined"
          onClick={() =>
            act(
              "Prepare an erasure plan?",
              "Nothing is erased until another reviewer approves it.",
              () => rights.planErasure(request.id),
              "The plan is ready for review.",
            )
          }
        >
          Prepare plan
        </Button>
        {plan && <Chip label={plan.status} />}
        {plan && mayApprove && (
          <Button
            variant="contained"
            disabled={plan.status !== "PREPARED" || preparedByMe}
            title={preparedByMe ? "Another compliance reviewer approves a plan you prepared." : undefined}
            onClick={() =>
              act(
                "Approve this erasure plan?",
                "It can then be run.",
                () => rights.approveErasure(plan.id),
                "The plan is approved.",
              )
            }
          >
            Approve
          </Button>
        )}
        {plan && mayApprove && (
          <Button
            variant="contained"
            color="error"
            disabled={plan.status !== "APPROVED" || preparedByMe}
            onClick={() =>
              act(
                "Run the erasure now?",
                "This cannot be undone. The person is told, signed out everywhere, and their data is erased as the plan shows.",
                () => rights.runErasure(plan.id),
                "The account was erased.",
              )
            }
          >
            Run
          </Button>
        )}
      </Stack>
      {plan && (
        <Table size="small" aria-label="Erasure plan">
          <TableHead>
            <TableRow>
              <TableCell>Model</TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Rows</TableCell>
              <TableCell>Kept under</TableCell>
              <TableCell>Until</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {plan.steps.map((step) => (
              <TableRow key={step.model}>
                <TableCell>{step.model}</TableCell>
                <TableCell>{step.action === "anonymise" ? `anonymise ${step.anonymise.join(", ")}` : step.action}</TableCell>
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
          Scan of {plan.scan.tables} tables: {plan.scan.clean ? "nothing of the person remains" : "unexplained findings"}
          {plan.scan.hits.map((hit) => ` · ${hit.column}: ${hit.explanation ?? "UNEXPLAINED"}`).join("")}. Recipients told:{" "}
          {plan.recipients.map((recipient) => recipient.recipient).join(", ")}.
        </Typography>
      )}
    </Stack>
  );
}

function RestrictionControls({ request, ask }: { request: RightsRequest; ask: Ask }) {
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
              title: "Restrict this account?",
              content: "While restricted, its data is only stored.",
              run: () => rights.applyRestriction(request.id),
              done: "The account is restricted.",
            })
          }
        >
          Restrict
        </Button>
        <Button
          variant="outlined"
          onClick={() =>
            ask({
              title: "Lift the restriction?",
              content: "The person is told first. Compliance reviewers only.",
              run: () => rights.liftRestriction(request.id),
              done: "The restriction is lifted.",
            })
          }
        >
          Lift restriction
        </Button>
      </Stack>
      {request.kind === "OBJECTION" && (
        <Stack direction="row" spacing={1}>
          <TextField
            select
            size="small"
            label="Processing objected to"
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
                title: "Record this objection?",
                content: `Processing "${path}" stops for this account.`,
                run: () => rights.recordObjection(request.id, path),
                done: "The objection was recorded.",
              })
            }
          >
            Record objection
          </Button>
        </Stack>
      )}
    </Stack>
  );
}
