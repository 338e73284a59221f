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
    notify("Decision recorded", { type: "success" });
    await controller.refetch();
  };

  return (
    <ShowContextProvider value={controller}>
      <Title title={`Incident ${incident.reference}`} />
      <TopToolbar>
        {!closed && <EditButton />}
        {!closed && (
          <Button color="warning" onClick={() => setClosing(true)}>
            Close incident
          </Button>
        )}
      </TopToolbar>
      <Stack spacing={2} sx={{ mb: 4 }}>
        <Section title={`${incident.reference}: ${translate(`smsape.incidents.statuses.${incident.status}`)}`}>
          <SimpleShowLayout sx={{ p: 0 }}>
            <DateField source="discoveredAt" label="Discovered at" showTime />
            <DateField source="awareAt" label="Aware at" showTime />
            <TextField source="nature" label="Nature of the breach" />
            <Box>
              <Typography variant="caption" color="text.secondary">
                Data concerned
              </Typography>
              <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap" }}>
                {incident.dataCategories.map((category) => (
                  <Chip key={category} size="small" label={translate(`smsape.incidents.categories.${category}`)} />
                ))}
              </Stack>
            </Box>
            <NumberField source="approxPeople" label="People concerned (approx.)" emptyText="-" />
            <NumberField source="approxRecords" label="Records concerned (approx.)" emptyText="-" />
            <TextField source="likelyConsequences" label="Likely consequences" emptyText="-" />
            <TextField source="measures" label="Measures taken or proposed" emptyText="-" />
            <DateField source="closedAt" label="Closed at" showTime emptyText="-" />
          </SimpleShowLayout>
        </Section>

        <Section title="Supervisory authority">
          <Stack spacing={1}>
            <Box>
              <ClockChip clock={incident.clock} />
            </Box>
            <Typography variant="body2">Deadline: {at(incident.clock.deadline)} (72 hours from awareness)</Typography>
            <Typography variant="body2">
              Decision:{" "}
              {incident.authorityDecision
                ? `${translate(`smsape.incidents.decisions.${incident.authorityDecision}`)}: ${incident.authorityDecisionReason}`
                : "not recorded"}
            </Typography>
            {incident.authorityNotifiedAt && (
              <Typography variant="body2">Notified at: {at(incident.authorityNotifiedAt)}</Typography>
            )}
            {!closed && (
              <Box>
                <Button variant="outlined" onClick={() => setDeciding("authority")}>
                  Record authority decision
                </Button>
              </Box>
            )}
          </Stack>
        </Section>

        <Section title="People concerned">
          <Stack spacing={2}>
            <Typography variant="body2">
              Decision:{" "}
              {incident.peopleDecision
                ? `${translate(`smsape.incidents.decisions.${incident.peopleDecision}`)}: ${incident.peopleDecisionReason}`
                : "not recorded"}
            </Typography>
            <Typography variant="body2">
              {incident.notificationsCount > 0
                ? translate("smsape.incidents.notified", {
                    count: incident.notificationsCount,
                    at: at(incident.lastNotifiedAt),
                  })
                : translate("smsape.incidents.noneNotified")}
            </Typography>
            {!closed && (
              <Box>
                <Button variant="outlined" onClick={() => setDeciding("people")}>
                  Record people decision
                </Button>
              </Box>
            )}
          </Stack>
        </Section>

        {!closed && (
          <Section title="Notify people">
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
        title={deciding === "authority" ? "Is the supervisory authority notified?" : "Are the people concerned told?"}
        withNotifiedAt={deciding === "authority"}
        onClose={() => setDeciding(null)}
        onConfirm={decide}
      />
      <Confirm
        isOpen={closing}
        title={`Close ${incident.reference}?`}
        content="A closed incident stays in the register and can no longer change."
        onClose={() => setClosing(false)}
        onConfirm={async () => {
          setClosing(false);
          try {
            await incidents.closeIncident(incident.id);
            notify("Incident closed", { type: "success" });
            await controller.refetch();
          } catch (error) {
            notify(error instanceof Error ? error.message : String(error), { type: "error" });
          }
        }}
      />
    </ShowContextProvider>
  );
};
