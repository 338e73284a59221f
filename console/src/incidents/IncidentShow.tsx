import { Alert, Box, Button, Card, CardContent, Chip, Stack, Typography } from "@mui/material";
import { type ReactNode, useState } from "react";
import {
  Confirm,
  DateField,
  EditButton,
  NumberField,
  ShowContextProvider,
  SimpleShowLayout,
  TextField,
  Title,
  TopToolbar,
  useNotify,
  useShowController,
  useTranslate,
} from "react-admin";
import type { IncidentRecord } from "../dataProvider/incidents.ts";
import { incidents } from "../dataProvider/index.ts";
import { formatInstant } from "../i18n/dates.tsx";
import { ClockChip } from "./ClockChip.tsx";
import { DecisionDialog, type DecisionValues } from "./DecisionDialog.tsx";
import { NotifyPeople } from "./NotifyPeople.tsx";

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <Card variant="outlined">
    <CardContent>
      <Typography variant="h6" gutterBottom>
        {title}
      </Typography>
      {children}
    </CardContent>
  </Card>
);

const at = (value: string | null) => (value ? formatInstant(value) : "");

/** An incident's page: the register's fields, its authority clock, the two decisions, and notifying the people concerned. */
export const IncidentShow = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const controller = useShowController<IncidentRecord>({ queryOptions: { retry: false } });
  const [deciding, setDeciding] = useState<"authority" | "people" | null>(null);
  const [closing, setClosing] = useState(false);
  const incident = controller.record;
  if (controller.error) return <Alert severity="error">{(controller.error as Error).message}</Alert>;
  if (!incident) return null;
  const closed = incident.status === "CLOSED";
  const decide = async (values: DecisionValues) => {
    if (deciding === "authority") await incidents.recordAuthorityDecision(incident.id, values);
    else await incidents.recordPeopleDecision(incident.id, { decision: values.decision, reason: values.reason });
    setDeciding(null);
    notify("smsape.incidents.decisionRecorded", { type: "success" });
    await controller.refetch();
  };

  return (
    <ShowContextProvider value={controller}>
      <Title title={translate("smsape.incidents.title", { reference: incident.reference })} />
      <TopToolbar>
        {!closed && <EditButton />}
        {!closed && (
          <Button color="warning" onClick={() => setClosing(true)}>
            {translate("smsape.incidents.close")}
          </Button>
        )}
      </TopToolbar>
      <Stack spacing={2} sx={{ mb: 4 }}>
        <Section title={`${incident.reference}: ${translate(`smsape.incidents.statuses.${incident.status}`)}`}>
          <SimpleShowLayout sx={{ p: 0 }}>
            <DateField source="discoveredAt" showTime />
            <DateField source="awareAt" showTime />
            <TextField source="nature" />
            <Box>
              <Typography variant="caption" color="text.secondary">
                {translate("resources.incidents.fields.dataCategories")}
              </Typography>
              <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap" }}>
                {incident.dataCategories.map((category) => (
                  <Chip key={category} size="small" label={translate(`smsape.incidents.categories.${category}`)} />
                ))}
              </Stack>
            </Box>
            <NumberField source="approxPeople" emptyText="-" />
            <NumberField source="approxRecords" emptyText="-" />
            <TextField source="likelyConsequences" emptyText="-" />
            <TextField source="measures" emptyText="-" />
            <DateField source="closedAt" showTime emptyText="-" />
          </SimpleShowLayout>
        </Section>

        <Section title={translate("smsape.incidents.authority")}>
          <Stack spacing={1}>
            <Box>
              <ClockChip clock={incident.clock} />
            </Box>
            <Typography variant="body2">{translate("smsape.incidents.deadline", { at: at(incident.clock.deadline) })}</Typography>
            <Typography variant="body2">
              {translate("smsape.incidents.decision", {
                decision: incident.authorityDecision
                  ? translate("smsape.incidents.decisionWithReason", {
                      decision: translate(`smsape.incidents.decisions.${incident.authorityDecision}`),
                      reason: incident.authorityDecisionReason,
                    })
                  : translate("smsape.incidents.notRecorded"),
              })}
            </Typography>
            {incident.authorityNotifiedAt && (
              <Typography variant="body2">
                {translate("smsape.incidents.notifiedAt", { at: at(incident.authorityNotifiedAt) })}
              </Typography>
            )}
            {!closed && (
              <Box>
                <Button variant="outlined" onClick={() => setDeciding("authority")}>
                  {translate("smsape.incidents.recordAuthority")}
                </Button>
              </Box>
            )}
          </Stack>
        </Section>

        <Section title={translate("smsape.incidents.people")}>
          <Stack spacing={2}>
            <Typography variant="body2">
              {translate("smsape.incidents.decision", {
                decision: incident.peopleDecision
                  ? translate("smsape.incidents.decisionWithReason", {
                      decision: translate(`smsape.incidents.decisions.${incident.peopleDecision}`),
                      reason: incident.peopleDecisionReason,
                    })
                  : translate("smsape.incidents.notRecorded"),
              })}
            </Typography>
            <Typography variant="body2">
              {incident.notificationsCount > 0
                ? translate("smsape.incidents.notified", {
                    smart_count: incident.notificationsCount,
                    at: at(incident.lastNotifiedAt),
                  })
                : translate("smsape.incidents.noneNotified")}
            </Typography>
            {!closed && (
              <Box>
                <Button variant="outlined" onClick={() => setDeciding("people")}>
                  {translate("smsape.incidents.recordPeople")}
                </Button>
              </Box>
            )}
          </Stack>
        </Section>

        {!closed && (
          <Section title={translate("smsape.incidents.notifyPeople")}>
            {incident.peopleDecision === "NOTIFY" ? (
              <NotifyPeople incident={incident} onSent={() => controller.refetch()} />
            ) : (
              <Typography variant="body2" color="text.secondary">
                {translate("smsape.incidents.decideFirst")}
              </Typography>
            )}
          </Section>
        )}
      </Stack>

      <DecisionDialog
        open={deciding !== null}
        title={translate(deciding === "authority" ? "smsape.incidents.authorityQuestion" : "smsape.incidents.peopleQuestion")}
        withNotifiedAt={deciding === "authority"}
        onClose={() => setDeciding(null)}
        onConfirm={decide}
      />
      <Confirm
        isOpen={closing}
        title="smsape.incidents.closeTitle"
        titleTranslateOptions={{ reference: incident.reference }}
        content="smsape.incidents.closeContent"
        onClose={() => setClosing(false)}
        onConfirm={async () => {
          setClosing(false);
          try {
            await incidents.closeIncident(incident.id);
            notify("smsape.incidents.closed", { type: "success" });
            await controller.refetch();
          } catch (error) {
            notify(error instanceof Error ? error.message : String(error), { type: "error" });
          }
        }}
      />
    </ShowContextProvider>
  );
};
