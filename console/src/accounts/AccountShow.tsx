import { Alert, Box, Button, Chip, Stack, Typography } from "@mui/material";
import { useState } from "react";
import {
  ArrayField,
  BooleanField,
  Confirm,
  Datagrid,
  DateField,
  FunctionField,
  Link,
  NumberField,
  ShowContextProvider,
  TabbedShowLayout,
  TextField,
  Title,
  useGetList,
  useNotify,
  usePermissions,
  useRecordContext,
  useShowController,
  useTranslate,
} from "react-admin";
import type { RevealedPersonalData, StaffReadPurpose } from "../dataProvider/accounts.ts";
import { accounts } from "../dataProvider/index.ts";
import type { LegalHoldRecord } from "../dataProvider/retention.ts";
import type { SupportTicketRecord } from "../dataProvider/tickets.ts";
import { HoldState } from "../legalHolds/HoldState.tsx";
import { PrivacyRequestLink, TicketStatusChip } from "../tickets/TicketChips.tsx";
import { PurposeDialog, RevealPersonalData } from "./RevealDialog.tsx";

interface AccountRecord {
  id: string;
  maskedEmail: string;
  restricted: boolean;
}

const errorCode = (error: unknown) => (error as { body?: { code?: string } } | null)?.body?.code;

/** A customer's account: masked until a reason is given; a restricted account opens only with one. */
export const AccountShow = () => {
  const translate = useTranslate();
  const { permissions } = usePermissions();
  const may = (permission: string) => Array.isArray(permissions) && permissions.includes(permission);
  const [purpose, setPurpose] = useState<StaffReadPurpose | null>(null);
  const [revealed, setRevealed] = useState<RevealedPersonalData | null>(null);
  const controller = useShowController<AccountRecord>({
    queryOptions: { meta: { purpose }, retry: false },
  });

  if (errorCode(controller.error) === "LEGAL_REASON_REQUIRED") {
    return (
      <Box sx={{ mt: 2 }}>
        <Title title="smsape.accounts.restrictedTitle" />
        <Alert severity="warning">{(controller.error as Error).message}</Alert>
        <PurposeDialog
          open
          title={translate("smsape.accounts.restrictedPurpose")}
          confirmLabel={translate("smsape.accounts.openAccount")}
          onClose={() => window.history.back()}
          onConfirm={async (given) => setPurpose(given)}
        />
      </Box>
    );
  }
  if (controller.error) return <Alert severity="error">{(controller.error as Error).message}</Alert>;
  if (!controller.record) return null;
  const phoneOf = (activationId: string) =>
    revealed?.phoneNumbers.find((number) => number.activationId === activationId)?.phoneNumber;

  return (
    <ShowContextProvider value={controller}>
      <Title title={translate("smsape.accounts.title", { email: controller.record.maskedEmail })} />
      <Box sx={{ mt: 2 }}>
        <TabbedShowLayout>
          <TabbedShowLayout.Tab label="smsape.accounts.tabs.profile">
            <TextField source="id" />
            <FunctionField
              label="smsape.accounts.email"
              render={(record: AccountRecord) =>
                revealed?.email ?? translate("smsape.accounts.maskedValue", { value: record.maskedEmail })
              }
            />
            <BooleanField source="emailVerified" label="smsape.accounts.verified" />
            <TextField source="jurisdiction" />
            <FunctionField
              label="smsape.accounts.processing"
              render={(record: AccountRecord) =>
                record.restricted ? (
                  <Chip color="warning" label={translate("smsape.accounts.restricted")} />
                ) : (
                  <Chip label={translate("smsape.accounts.normal")} />
                )
              }
            />
            <DateField source="createdAt" label="smsape.accounts.created" showTime />
            <NumberField source="balance.availableMinor" label="smsape.accounts.availableCents" />
            <NumberField source="balance.heldMinor" label="smsape.accounts.heldCents" />
            {!revealed && <RevealPersonalData accountId={controller.record.id} onRevealed={setRevealed} />}
            {revealed && (
              <Typography variant="body2" color="text.secondary">
                {translate("smsape.accounts.revealedNote")}
              </Typography>
            )}
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="smsape.accounts.tabs.activations">
            <ArrayField source="activations" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="serviceCode" label="smsape.accounts.activations.service" />
                <TextField source="countryCode" label="smsape.accounts.activations.country" />
                <FunctionField
                  label="smsape.accounts.activations.number"
                  render={(activation: { id: string; maskedPhoneNumber: string }) =>
                    phoneOf(activation.id) ?? activation.maskedPhoneNumber
                  }
                />
                <TextField source="status" />
                <NumberField source="priceMinor" label="smsape.accounts.activations.priceCents" />
                <DateField source="createdAt" label="smsape.accounts.activations.ordered" showTime />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="smsape.accounts.tabs.ledger">
            <ArrayField source="ledgerEntries" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="kind" />
                <NumberField source="availableDelta" label="smsape.accounts.ledger.availableDelta" />
                <NumberField source="heldDelta" label="smsape.accounts.ledger.heldDelta" />
                <DateField source="createdAt" label="smsape.accounts.ledger.at" showTime />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="smsape.accounts.tabs.sessions">
            <ArrayField source="sessions" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <DateField source="createdAt" label="smsape.accounts.sessions.signedIn" showTime />
                <DateField source="lastSeenAt" label="smsape.accounts.sessions.lastSeen" showTime />
                <DateField source="absoluteExpiresAt" label="smsape.accounts.sessions.expires" showTime />
                <FunctionField
                  label="smsape.accounts.sessions.state"
                  render={(session: { live: boolean }) =>
                    translate(session.live ? "smsape.accounts.sessions.live" : "smsape.accounts.sessions.ended")
                  }
                />
                <RevokeSessionButton onRevoked={() => controller.refetch()} />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="smsape.accounts.tabs.apiKeys">
            <ArrayField source="apiKeys" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="prefix" />
                <FunctionField
                  label="smsape.accounts.apiKeys.name"
                  render={(key: { id: string }) =>
                    revealed?.apiKeyNames.find((named) => named.apiKeyId === key.id)?.name ?? translate("smsape.accounts.masked")
                  }
                />
                <DateField source="createdAt" label="smsape.accounts.created" showTime />
                <DateField
                  source="lastUsedAt"
                  label="smsape.accounts.apiKeys.lastUsed"
                  showTime
                  emptyText="smsape.accounts.apiKeys.never"
                />
                <DateField source="revokedAt" label="smsape.accounts.apiKeys.revoked" showTime emptyText="-" />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="smsape.accounts.tabs.privacyRequests">
            <ArrayField source="privacyRequests" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="kind" />
                <TextField source="status" />
                <DateField source="receivedAt" label="smsape.accounts.received" showTime />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="smsape.accounts.tabs.supportTickets">
            <ArrayField source="supportTickets" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <FunctionField
                  label="smsape.accounts.tickets.subject"
                  render={(ticket: { id: string }) =>
                    revealed?.ticketSubjects.find((named) => named.ticketId === ticket.id)?.subject ??
                    translate("smsape.accounts.masked")
                  }
                />
                <FunctionField
                  label="smsape.accounts.tickets.status"
                  render={(ticket: SupportTicketRecord) => <TicketStatusChip status={ticket.status} />}
                />
                <TextField source="channel" />
                <NumberField source="replies" />
                <DateField source="createdAt" label="smsape.accounts.received" showTime />
                <FunctionField
                  label="smsape.accounts.tickets.privacyRequest"
                  render={(ticket: SupportTicketRecord) => <PrivacyRequestLink ticket={ticket} />}
                />
                {may("tickets.handle") ? (
                  <FunctionField
                    label="smsape.accounts.tickets.ticket"
                    render={(ticket: { id: string }) => (
                      <Link to={`/supportTickets/${ticket.id}/show`}>{translate("smsape.accounts.tickets.open")}</Link>
                    )}
                  />
                ) : null}
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          {/* Holds are retention's business: shown to the roles that read retention (docs/privacy.md, "Staff roles"). */}
          {may("retention.read") ? (
            <TabbedShowLayout.Tab label="smsape.accounts.tabs.legalHolds">
              <AccountHolds accountId={controller.record.id} />
            </TabbedShowLayout.Tab>
          ) : null}
        </TabbedShowLayout>
      </Box>
    </ShowContextProvider>
  );
};

/** The legal holds placed on the account, newest first: read-only here, placed and lifted on the holds' pages. */
const AccountHolds = ({ accountId }: { accountId: string }) => {
  const translate = useTranslate();
  const { data, isPending, error } = useGetList<LegalHoldRecord>("legalHolds", {
    filter: { accountId },
    pagination: { page: 1, perPage: 50 },
  });
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  if (isPending) return null;
  if (!data?.length) return <Typography color="text.secondary">{translate("smsape.accounts.holds.none")}</Typography>;
  return (
    <Datagrid data={data} total={data.length} bulkActionButtons={false} rowClick={false} resource="legalHolds">
      <FunctionField label="smsape.accounts.holds.status" render={(hold: LegalHoldRecord) => <HoldState hold={hold} />} />
      <TextField source="reasonCode" label="smsape.accounts.holds.reason" />
      <DateField source="placedAt" label="smsape.accounts.holds.placed" showTime />
      <DateField source="until" label="smsape.accounts.holds.until" showTime emptyText="smsape.accounts.holds.noEndDate" />
      <DateField source="liftedAt" label="smsape.accounts.holds.lifted" showTime emptyText="-" />
      <FunctionField
        label="smsape.accounts.holds.hold"
        render={(hold: LegalHoldRecord) => (
          <Link to={`/legalHolds/${hold.id}/show`}>{translate("smsape.accounts.holds.open")}</Link>
        )}
      />
    </Datagrid>
  );
};

/** Ends a live session after a confirmation; the customer's open sockets on it close. */
const RevokeSessionButton = ({ onRevoked }: { onRevoked: () => void }) => {
  const session = useRecordContext<{ id: string; live: boolean }>();
  const translate = useTranslate();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  if (!session?.live) return null;
  return (
    <Stack direction="row">
      <Button color="error" size="small" onClick={() => setOpen(true)}>
        {translate("smsape.accounts.sessions.revoke")}
      </Button>
      <Confirm
        isOpen={open}
        title="smsape.accounts.sessions.revokeTitle"
        content="smsape.accounts.sessions.revokeContent"
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          setOpen(false);
          try {
            await accounts.revokeCustomerSession(session.id);
            notify("smsape.accounts.sessions.revoked", { type: "success" });
            onRevoked();
          } catch (error) {
            notify(error instanceof Error ? error.message : String(error), { type: "error" });
          }
        }}
      />
    </Stack>
  );
};
