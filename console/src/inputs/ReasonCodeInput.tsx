import { Autocomplete, Box, TextField, Typography } from "@mui/material";
import type { ReactNode } from "react";
import { InputHelperText, useInput, useTranslate, type Validator } from "react-admin";

/**
 * A reason code for the audit log (`litigation`, `case_closed`): the usual
 * codes are offered with what they mean, and any other code can be typed.
 * The server checks its form and says what is wrong.
 */
export const ReasonCodeField = ({
  label = "Reason code",
  value,
  onChange,
  onBlur,
  suggestions,
  error,
  helperText,
  required,
}: {
  label?: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  suggestions: readonly string[];
  error?: boolean;
  helperText?: ReactNode;
  required?: boolean;
}) => {
  const translate = useTranslate();
  return (
    <Autocomplete
      freeSolo
      options={suggestions as string[]}
      value={value}
      inputValue={value}
      onInputChange={(_event, text) => onChange(text)}
      onChange={(_event, chosen) => onChange(chosen ?? "")}
      renderOption={({ key, ...props }, code) => (
        <Box component="li" key={key} {...props} sx={{ display: "flex", flexDirection: "column", alignItems: "flex-start" }}>
          <Typography variant="body2" sx={{ fontFamily: "monospace" }}>
            {code}
          </Typography>
          <Typography variant="caption" color="text.secondary">
            {translate(`smsape.retention.reasonCodes.${code}`, { _: "" })}
          </Typography>
        </Box>
      )}
      renderInput={(params) => (
        <TextField
          {...params}
          label={label}
          required={required}
          error={error}
          helperText={helperText}
          onBlur={onBlur}
          sx={{ minWidth: 320 }}
        />
      )}
    />
  );
};

/** `ReasonCodeField` as a react-admin form input; errors (the server's too) show under it. */
export const ReasonCodeInput = ({
  source,
  label,
  suggestions,
  validate,
}: {
  source: string;
  label?: string;
  suggestions: readonly string[];
  validate?: Validator | Validator[];
}) => {
  const translate = useTranslate();
  const { field, fieldState, isRequired } = useInput({ source, validate, defaultValue: "" });
  const error = fieldState.error;
  return (
    <Box sx={{ mb: 2 }}>
      <ReasonCodeField
        label={label}
        value={field.value ?? ""}
        onChange={field.onChange}
        onBlur={field.onBlur}
        suggestions={suggestions}
        required={isRequired}
        error={Boolean(error)}
        helperText={<InputHelperText error={error?.message} helperText={translate("smsape.retention.reasonCodeHelp")} />}
      />
    </Box>
  );
};
