import { Alert, Box, Button, MenuItem, TextField as MuiTextField, Stack, Typography } from "@mui/material";
import { useState } from "react";
import { Confirm, useNotify, useTranslate } from "react-admin";
import { type Audience, type AudienceKind, audienceKinds, type IncidentRecord } from "../dataProvider/incidents.ts";
import { incidents } from "../dataProvider/index.ts";

/** A `datetime-local` value (local time, to the minute) for `date`. */
function localInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The "Notify people" flow: choose which accounts the incident concerns, see
 * how many they are, write the notice, confirm, and see the count sent. The
 * server tells each account once, whatever the number of runs.
 */
export const NotifyPeople = ({ incident, onSent }: { incident: IncidentRecord; onSent: () => void }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const [audience, setAudience] = useState<Audience>(() => ({
    kind: "ACTIVATIONS_CREATED",
    from: localInput(new Date(Date.now() - 24 * 3600_000)),
    to: localInput(new Date(Date.now() + 3600_000)),
    countryCode: "",
    serviceCode: "",
  }));
  const [preview, setPreview] = useState<{ accounts: number; alreadyNotified: number } | null>(null);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ notified: number; alreadyNotified: number } | null>(null);

  const change = (field: keyof Audience) => (event: { target: { value: string } }) => {
    setAudience({ ...audience, [field]: event.target.value });
    setPreview(null);
  };
  const run = async (step: () => Promise<void>) => {
    setError(null);
    try {
      await step();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <Box sx={{ display: "flex", flexDirection: "column", gap: 2, maxWidth: 720 }}>
      <Typography variant="body2" color="text.secondary">
        {translate("smsape.incidents.notifyHint")}
      </Typography>
      <MuiTextField
        select
        label={translate("smsape.incidents.audience.accounts")}
        value={audience.kind}
        onChange={change("kind")}
      >
        {audienceKinds.map((kind: AudienceKind) => (
          <MenuItem key={kind} value={kind}>
            {translate(`smsape.incidents.audienceKinds.${kind}`)}
          </MenuItem>
        ))}
      </MuiTextField>
      <Stack direction="row" spacing={2}>
        <MuiTextField
          type="datetime-local"
          label={translate("smsape.incidents.audience.from")}
          value={audience.from}
          onChange={change("from")}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <MuiTextField
          type="datetime-local"
          label={translate("smsape.incidents.audience.to")}
          value={audience.to}
          onChange={change("to")}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <MuiTextField
          label={translate("smsape.incidents.audience.country")}
          value={audience.countryCode}
          onChange={change("countryCode")}
        />
        <MuiTextField
          label={translate("smsape.incidents.audience.service")}
          value={audience.serviceCode}
          onChange={change("serviceCode")}
        />
      </Stack>
      <Box>
        <Button
          variant="outlined"
          onClick={() => run(async () => setPreview(await incidents.previewAudience(incident.id, audience)))}
        >
          {translate("smsape.incidents.audience.preview")}
        </Button>
      </Box>
      {preview && (
        <Alert severity="info">
          {translate("smsape.incidents.preview", { smart_count: preview.accounts, alreadyNotified: preview.alreadyNotified })}
        </Alert>
      )}
      <MuiTextField
        label={translate("smsape.incidents.audience.subject")}
        value={subject}
        onChange={(event) => setSubject(event.target.value)}
      />
      <MuiTextField
        label={translate("smsape.incidents.audience.notice")}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        multiline
        minRows={5}
      />
      <Box>
        <Button variant="contained" disabled={!preview || !subject.trim() || !body.trim()} onClick={() => setConfirming(true)}>
          {translate("smsape.incidents.audience.send")}
        </Button>
      </Box>
      {sent && (
        <Alert severity="success">
          {translate("smsape.incidents.sent", { smart_count: sent.notified, alreadyNotified: sent.alreadyNotified })}
        </Alert>
      )}
      {error && <Alert severity="error">{error}</Alert>}
      <Confirm
        isOpen={confirming}
        title="smsape.incidents.audience.sendTitle"
        content="smsape.incidents.audience.sendContent"
        contentTranslateOptions={{ smart_count: (preview?.accounts ?? 0) - (preview?.alreadyNotified ?? 0) }}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          run(async () => {
            setConfirming(false);
            const result = await incidents.notifyAudience(incident.id, audience, { subject, body });
            setSent(result);
            setPreview(null);
            notify("smsape.incidents.sent", {
              type: "success",
              messageArgs: { smart_count: result.notified, alreadyNotified: result.alreadyNotified },
            });
            onSent();
          })
        }
      />
    </Box>
  );
};
