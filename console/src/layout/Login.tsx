import { Alert, Box, Button, Checkbox, FormControlLabel, Link, List, ListItem, TextField, Typography } from "@mui/material";
import { type FormEvent, useState } from "react";
import { Login as RaLogin, useLogin, useTranslate } from "react-admin";
import { type SecondFactorStep, staffSession } from "../dataProvider/index.ts";

type Stage =
  | { kind: "password" }
  | { kind: "code"; challengeToken: string; recovery: boolean }
  | { kind: "enrol"; step: Extract<SecondFactorStep, { step: "ENROL_TOTP" }> }
  | { kind: "recoveryCodes"; codes: string[] };

/**
 * Staff sign-in in steps: email and password; then the authenticator's code
 * (or a recovery code); at first sign-in, enrolling an authenticator from a
 * QR code instead, after which the recovery codes are shown once and the
 * member confirms they saved them.
 */
export const Login = () => {
  const translate = useTranslate();
  const login = useLogin();
  const [stage, setStage] = useState<Stage>({ kind: "password" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Runs one step; its failure message, written by the server for the person signing in, is shown above the form. */
  const run = (step: () => Promise<void>) => async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <RaLogin>
      <Box sx={{ p: 2, width: 320 }}>
        <Typography component="h1" variant="h6" align="center" sx={{ mb: 1 }}>
          {translate("smsape.title")}
        </Typography>
        {error ? (
          <Alert severity="error" sx={{ mb: 1 }}>
            {error}
          </Alert>
        ) : null}
        {stage.kind === "password" ? (
          <PasswordStep
            busy={busy}
            onSubmit={(email, password) =>
              run(async () => {
                const next = await staffSession.signIn(email, password);
                setStage(
                  next.step === "ENROL_TOTP"
                    ? { kind: "enrol", step: next }
                    : { kind: "code", challengeToken: next.challengeToken, recovery: false },
                );
              })()
            }
          />
        ) : null}
        {stage.kind === "code" ? (
          <CodeStep
            busy={busy}
            recovery={stage.recovery}
            onToggleRecovery={() => setStage({ ...stage, recovery: !stage.recovery })}
            onSubmit={(value) =>
              run(() =>
                login(
                  stage.recovery
                    ? { challengeToken: stage.challengeToken, recoveryCode: value }
                    : { challengeToken: stage.challengeToken, code: value },
                ),
              )()
            }
          />
        ) : null}
        {stage.kind === "enrol" ? (
          <EnrolStep
            busy={busy}
            enrolment={stage.step.enrolment}
            onSubmit={(code) =>
              run(async () => {
                const codes = await staffSession.enrolTotp(stage.step.challengeToken, code);
                setStage({ kind: "recoveryCodes", codes });
              })()
            }
          />
        ) : null}
        {stage.kind === "recoveryCodes" ? (
          <RecoveryCodes codes={stage.codes} onDone={() => run(() => login({ enrolled: true }))()} />
        ) : null}
      </Box>
    </RaLogin>
  );
};

const PasswordStep = ({ busy, onSubmit }: { busy: boolean; onSubmit: (email: string, password: string) => void }) => {
  const translate = useTranslate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(email, password);
      }}
    >
      <TextField
        label={translate("ra.auth.username")}
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        autoComplete="username"
        fullWidth
        margin="dense"
        required
      />
      <TextField
        label={translate("ra.auth.password")}
        type="password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        autoComplete="current-password"
        fullWidth
        margin="dense"
        required
      />
      <Button type="submit" variant="contained" fullWidth disabled={busy} sx={{ mt: 2 }}>
        {translate("ra.auth.sign_in")}
      </Button>
    </form>
  );
};

const CodeStep = ({
  busy,
  recovery,
  onToggleRecovery,
  onSubmit,
}: {
  busy: boolean;
  recovery: boolean;
  onToggleRecovery: () => void;
  onSubmit: (value: string) => void;
}) => {
  const translate = useTranslate();
  const [value, setValue] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(value);
      }}
    >
      <Typography variant="body2" sx={{ mb: 1 }}>
        {translate(recovery ? "smsape.signIn.recoveryPrompt" : "smsape.signIn.codePrompt")}
      </Typography>
      <TextField
        label={translate(recovery ? "smsape.signIn.recoveryCode" : "smsape.signIn.code")}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        autoComplete="one-time-code"
        slotProps={{ htmlInput: recovery ? {} : { inputMode: "numeric", pattern: "[0-9 ]*" } }}
        autoFocus
        fullWidth
        margin="dense"
        required
      />
      <Button type="submit" variant="contained" fullWidth disabled={busy} sx={{ mt: 2 }}>
        {translate("smsape.signIn.verify")}
      </Button>
      <Link component="button" type="button" variant="body2" onClick={onToggleRecovery} sx={{ mt: 1 }}>
        {translate(recovery ? "smsape.signIn.useCode" : "smsape.signIn.useRecoveryCode")}
      </Link>
    </form>
  );
};

const EnrolStep = ({
  busy,
  enrolment,
  onSubmit,
}: {
  busy: boolean;
  enrolment: { secret: string; qrCode: string };
  onSubmit: (code: string) => void;
}) => {
  const translate = useTranslate();
  const [code, setCode] = useState("");
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(code);
      }}
    >
      <Typography variant="body2">{translate("smsape.signIn.enrolPrompt")}</Typography>
      <Box sx={{ display: "flex", justifyContent: "center", my: 1 }}>
        <img src={enrolment.qrCode} alt={translate("smsape.signIn.qrCode")} width={200} height={200} />
      </Box>
      <Typography variant="caption" component="p" sx={{ wordBreak: "break-all" }}>
        {translate("smsape.signIn.secret")} <code data-testid="totp-secret">{enrolment.secret}</code>
      </Typography>
      <TextField
        label={translate("smsape.signIn.code")}
        value={code}
        onChange={(event) => setCode(event.target.value)}
        autoComplete="one-time-code"
        slotProps={{ htmlInput: { inputMode: "numeric", pattern: "[0-9 ]*" } }}
        fullWidth
        margin="dense"
        required
      />
      <Button type="submit" variant="contained" fullWidth disabled={busy} sx={{ mt: 2 }}>
        {translate("smsape.signIn.confirm")}
      </Button>
    </form>
  );
};

const RecoveryCodes = ({ codes, onDone }: { codes: string[]; onDone: () => void }) => {
  const translate = useTranslate();
  const [saved, setSaved] = useState(false);
  return (
    <Box>
      <Typography variant="body2">{translate("smsape.signIn.recoveryCodesShownOnce")}</Typography>
      <List dense data-testid="recovery-codes">
        {codes.map((code) => (
          <ListItem key={code} sx={{ fontFamily: "monospace", py: 0 }}>
            {code}
          </ListItem>
        ))}
      </List>
      <FormControlLabel
        control={<Checkbox checked={saved} onChange={(event) => setSaved(event.target.checked)} />}
        label={translate("smsape.signIn.savedThem")}
      />
      <Button variant="contained" fullWidth disabled={!saved} onClick={onDone} sx={{ mt: 1 }}>
        {translate("smsape.signIn.continue")}
      </Button>
    </Box>
  );
};
