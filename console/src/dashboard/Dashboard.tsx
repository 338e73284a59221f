import { Grid } from "@mui/material";
import { Title, usePermissions, useTranslate } from "react-admin";
import { AuditChain } from "./AuditChain.tsx";
import { OpenIncidents } from "./OpenIncidents.tsx";
import { RecentPurges } from "./RecentPurges.tsx";
import { RequestClocks } from "./RequestClocks.tsx";
import { RequestsByRight } from "./RequestsByRight.tsx";
import { RequestsByState } from "./RequestsByState.tsx";
import { Welcome } from "./Welcome.tsx";

const holds = (permissions: unknown, permission: string) => Array.isArray(permissions) && permissions.includes(permission);

/**
 * One widget per file; each shows only to members whose role may read its
 * data (authProvider.getPermissions), so SUPPORT sees the queue's widgets and
 * not the register, the audit log or retention.
 */
export const Dashboard = () => {
  const translate = useTranslate();
  const { permissions } = usePermissions();
  const widgets = [
    holds(permissions, "requests.read") && <RequestClocks key="clocks" />,
    holds(permissions, "incidents.read") && <OpenIncidents key="incidents" />,
    holds(permissions, "requests.read") && <RequestsByState key="byState" />,
    holds(permissions, "requests.read") && <RequestsByRight key="byRight" />,
    holds(permissions, "retention.read") && <RecentPurges key="purges" />,
    holds(permissions, "audit.read") && <AuditChain key="audit" />,
  ].filter(Boolean);
  return (
    <Grid container spacing={2} sx={{ mt: 2 }}>
      <Title title={translate("smsape.title")} />
      <Grid size={12}>
        <Welcome />
      </Grid>
      {widgets.map((widget) => (
        <Grid key={(widget as { key: string }).key} size={{ xs: 12, lg: 6 }}>
          {widget}
        </Grid>
      ))}
    </Grid>
  );
};
