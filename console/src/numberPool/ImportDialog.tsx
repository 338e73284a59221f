import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from "@mui/material";
import { useState } from "react";
import { useGetList, useNotify, useRefresh, useTranslate } from "react-admin";
import { type CountryRecord, importBatchMaxLines, importNumbers, type NumberImportResult } from "../dataProvider/catalogue.ts";

/** Pasted lines with something on them: what the API will read. */
const filledLines = (text: string) => text.split(/\r?\n/).filter((line) => line.trim()).length;

/**
 * Pasting numbers into the pool of a country for an operator route. The
 * API's answer is shown line by line: what was imported and why each other
 * line was not. The dialog stays open on the result until closed.
 */
export const ImportDialog = ({ open, onClose }: { open: boolean; onClose: () => void }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { data: countries } = useGetList<CountryRecord>("catalogueCountries", {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: "code", order: "ASC" },
  });
  const [countryCode, setCountryCode] = useState("");
  const [operatorRoute, setOperatorRoute] = useState("");
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<NumberImportResult | null>(null);
  const count = filledLines(text);

  const close = () => {
    // Once imported, the pasted lines are done with: the next import starts from an empty list.
    if (result) setText("");
    setResult(null);
    setError(null);
    onClose();
  };
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await importNumbers({ countryCode, operatorRoute: operatorRoute.trim(), lines: [text] });
      setResult(answer);
      notify("smsape.numberPool.imported", {
        type: "success",
        messageArgs: { imported: answer.imported, rejected: answer.rejected },
      });
      refresh();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="md" aria-labelledby="import-numbers-title">
      <DialogTitle id="import-numbers-title">{translate("smsape.numberPool.importTitle")}</DialogTitle>
      <DialogContent sx={{ display: "flex", flexDirection: "column", gap: 2, pt: "8px !important" }}>
        {result ? (
          <ImportReport result={result} />
        ) : (
          <>
            <Box sx={{ display: "flex", gap: 2, flexWrap: "wrap" }}>
              <TextField
                select
                required
                label={translate("smsape.numberPool.country")}
                value={countryCode}
                onChange={(event) => setCountryCode(event.target.value)}
                sx={{ minWidth: 240 }}
              >
                {(countries ?? []).map((country) => (
                  <MenuItem key={country.code} value={country.code}>
                    {country.code} {country.name}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                required
                label={translate("smsape.numberPool.operatorRoute")}
                helperText={translate("smsape.numberPool.operatorRouteHelp")}
                value={operatorRoute}
                onChange={(event) => setOperatorRoute(event.target.value)}
                sx={{ minWidth: 240 }}
              />
            </Box>
            <TextField
              required
              multiline
              minRows={6}
              maxRows={14}
              label={translate("smsape.numberPool.lines")}
              helperText={translate("smsape.numberPool.linesHelp", { count, max: importBatchMaxLines })}
              error={count > importBatchMaxLines}
              value={text}
              onChange={(event) => setText(event.target.value)}
              slotProps={{ htmlInput: { style: { fontFamily: "monospace" }, spellCheck: false } }}
            />
          </>
        )}
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        {result ? (
          <>
            <Button
              onClick={() => {
                setResult(null);
                setText("");
              }}
            >
              {translate("smsape.numberPool.importMore")}
            </Button>
            <Button variant="contained" onClick={close}>
              {translate("smsape.numberPool.done")}
            </Button>
          </>
        ) : (
          <>
            <Button onClick={close}>{translate("ra.action.cancel")}</Button>
            <Button
              variant="contained"
              onClick={submit}
              disabled={busy || !countryCode || !operatorRoute.trim() || count === 0 || count > importBatchMaxLines}
            >
              {translate("smsape.numberPool.import")}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
};

/** The import's answer: how many went in, then every line with its outcome. */
const ImportReport = ({ result }: { result: NumberImportResult }) => {
  const translate = useTranslate();
  return (
    <>
      <Alert severity={result.rejected === 0 ? "success" : result.imported === 0 ? "error" : "warning"}>
        {translate("smsape.numberPool.importSummary", {
          imported: result.imported,
          rejected: result.rejected,
          country: result.countryCode,
          route: result.operatorRoute,
        })}
      </Alert>
      <Box sx={{ maxHeight: 360, overflow: "auto" }}>
        <Table size="small" stickyHeader aria-label={translate("smsape.numberPool.importLines")}>
          <TableHead>
            <TableRow>
              <TableCell>{translate("smsape.numberPool.line")}</TableCell>
              <TableCell>{translate("smsape.numberPool.input")}</TableCell>
              <TableCell>{translate("smsape.numberPool.outcome")}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {result.lines.map((line) => (
              <TableRow key={line.line}>
                <TableCell>{line.line}</TableCell>
                <TableCell sx={{ fontFamily: "monospace" }}>{line.phoneNumber ?? line.input}</TableCell>
                <TableCell>
                  <Typography variant="body2" color={line.outcome === "IMPORTED" ? "success.main" : "error.main"}>
                    {line.message}
                  </Typography>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </>
  );
};
