import { Card, CardContent, Typography } from "@mui/material";
import { useGetIdentity, useTranslate } from "react-admin";

/** Greets the signed-in staff member and says which role their session carries. */
export const Welcome = () => {
  const translate = useTranslate();
  const { identity, isPending } = useGetIdentity();
  if (isPending || !identity) return null;
  return (
    <Card>
      <CardContent>
        <Typography component="h2" variant="h5" gutterBottom>
          {translate("smsape.dashboard.welcome", { name: identity.fullName })}
        </Typography>
        <Typography variant="body1" color="text.secondary">
          {translate("smsape.dashboard.role", { role: translate(`smsape.staffRole.${identity.role}`) })}
        </Typography>
      </CardContent>
    </Card>
  );
};
