import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Alert,
  Box,
  Card,
  CardContent,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import { Loading, Title, TopToolbar, useGetOne, useTranslate } from "react-admin";
import type {
  ProcessingActivity,
  ProcessingTimeLimit,
  ProcessingTransfer,
  RecordsOfProcessingRecord,
} from "../dataProvider/recordsOfProcessing.ts";
import { formatInstant } from "../i18n/dates.tsx";
import { DownloadMarkdownButton } from "./DownloadMarkdownButton.tsx";

/** One labelled line of an activity: a single item inline, several as a list. */
const Entry = ({ label, items, none }: { label: string; items: string[]; none: string }) => (
  <Box>
    <Typography variant="subtitle2">{label}</Typography>
    {items.length === 0 ? (
      <Typography variant="body2" color="text.secondary">
        {none}
      </Typography>
    ) : (
      <Box component="ul" sx={{ my: 0, pl: 3 }}>
        {items.map((item) => (
          <Typography component="li" variant="body2" key={item}>
            {item}
          </Typography>
        ))}
      </Box>
    )}
  </Box>
);

const timeLimitText = (limit: ProcessingTimeLimit) => `${limit.key}: ${limit.statement}`;

const transferText = (transfer: ProcessingTransfer) =>
  `${transfer.recipientName}: ${transfer.destination}${
    transfer.countries.length > 0 ? ` (${transfer.countries.join(", ")})` : ""
  }. Safeguard: ${transfer.safeguard}.`;

const ActivityCard = ({ activity, number }: { activity: ProcessingActivity; number: number }) => {
  const translate = useTranslate();
  return (
    <Card variant="outlined" data-category={activity.category}>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          {number}. {activity.title}
        </Typography>
        <Stack spacing={1.5}>
          <Entry
            label={translate("smsape.records.dataSubjects")}
            items={activity.dataSubjects.map((subject) => translate(`smsape.records.subjects.${subject}`))}
            none={translate("smsape.records.none")}
          />
          <Entry
            label={translate("smsape.records.recipients")}
            items={activity.recipients.map((recipient) => `${recipient.name}: ${recipient.receives.join(", ")}`)}
            none={translate("smsape.records.noRecipients")}
          />
          <Entry
            label={translate("smsape.records.transfers")}
            items={activity.transfers.map(transferText)}
            none={translate("smsape.records.none")}
          />
          <Entry
            label={translate("smsape.records.timeLimits")}
            items={activity.timeLimits.map(timeLimitText)}
            none={translate("smsape.records.none")}
          />
          <Entry
            label={translate("smsape.records.securityMeasures")}
            items={activity.securityMeasures}
            none={translate("smsape.records.none")}
          />
          <Accordion disableGutters variant="outlined">
            <AccordionSummary>
              <Typography variant="subtitle2">{translate("smsape.records.fields", { count: activity.fields.length })}</Typography>
            </AccordionSummary>
            <AccordionDetails>
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>Field</TableCell>
                    <TableCell>Whose</TableCell>
                    <TableCell>Purpose</TableCell>
                    <TableCell>Time limit</TableCell>
                    <TableCell>When the account is erased</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {activity.fields.map((field) => (
                    <TableRow key={`${field.model}.${field.field}`}>
                      <TableCell>
                        <code>
                          {field.model}.{field.field}
                        </code>
                      </TableCell>
                      <TableCell>{translate(`smsape.records.subjects.${field.subject}`)}</TableCell>
                      <TableCell>{field.purpose}</TableCell>
                      <TableCell>{field.timeLimit}</TableCell>
                      <TableCell>
                        {field.subject === "customer" ? translate(`smsape.records.erasure.${field.erasure}`) : "-"}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </AccordionDetails>
          </Accordion>
        </Stack>
      </CardContent>
    </Card>
  );
};

/** The records of processing (GDPR Art. 30), readable on the page and downloadable as Markdown. */
export const RecordsOfProcessingPage = () => {
  const translate = useTranslate();
  const {
    data: records,
    isPending,
    error,
  } = useGetOne<RecordsOfProcessingRecord>("recordsOfProcessing", { id: "current" }, { retry: false });
  if (isPending) return <Loading />;
  if (error || !records) return <Alert severity="error">{(error as Error | null)?.message ?? "No records."}</Alert>;
  return (
    <Box sx={{ mb: 4 }}>
      <Title title={translate("smsape.records.title")} />
      <TopToolbar sx={{ alignItems: "center" }}>
        <DownloadMarkdownButton markdown={records.markdown} generatedAt={records.generatedAt} />
      </TopToolbar>
      <Stack spacing={2}>
        <Box>
          <Typography variant="body2">{translate("smsape.records.intro")}</Typography>
          <Typography variant="body2" color="text.secondary">
            {translate("smsape.records.generated", {
              controller: records.controller,
              version: records.policyVersion ?? "-",
              at: formatInstant(records.generatedAt),
            })}
          </Typography>
        </Box>
        {records.activities.map((activity, index) => (
          <ActivityCard key={activity.category} activity={activity} number={index + 1} />
        ))}
        <Card variant="outlined">
          <CardContent>
            <Typography variant="h6" component="h2" gutterBottom>
              {translate("smsape.records.generalMeasures")}
            </Typography>
            <Box component="ul" sx={{ my: 0, pl: 3 }}>
              {records.securityMeasures.map((measure) => (
                <Typography component="li" variant="body2" key={measure.measure}>
                  {measure.measure} <code>{measure.where}</code>
                </Typography>
              ))}
            </Box>
          </CardContent>
        </Card>
      </Stack>
    </Box>
  );
};
