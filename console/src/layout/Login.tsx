import { Typography } from "@mui/material";
import { LoginForm, Login as RaLogin, useTranslate } from "react-admin";

/** react-admin's login page and form, with the console's name above the form. */
export const Login = () => {
  const translate = useTranslate();
  return (
    <RaLogin>
      <Typography component="h1" variant="h6" align="center" sx={{ mt: 1 }}>
        {translate("smsape.title")}
      </Typography>
      <LoginForm />
    </RaLogin>
  );
};
