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
        <Title title="Restricted account" />
        <Alert severity="warning">{(controller.error as Error).message}</Alert>
        <PurposeDialog
          open
          title="This person's processing is restricted. Why do you need to read the account?"
          confirmLabel="Open the account"
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
      <Title title={`Account ${controller.record.maskedEmail}`} />
      <Box sx={{ mt: 2 }}>
        <TabbedShowLayout>
          <TabbedShowLayout.Tab label="Profile">
            <TextField source="id" />
            <FunctionField
              label="Email"
              render={(record: AccountRecord) => revealed?.email ?? `${record.maskedEmail} (masked)`}
            />
            <BooleanField source="emailVerified" label="Verified" />
            <TextField source="jurisdiction" />
            <FunctionField
              label="Processing"
              render={(record: AccountRecord) =>
                record.restricted ? <Chip color="warning" label="Restricted" /> : <Chip label="Normal" />
              }
            />
            <DateField source="createdAt" label="Created" showTime />
            <NumberField source="balance.availableMinor" label="Available (cents)" />
            <NumberField source="balance.heldMinor" label="Held (cents)" />
            {!revealed && <RevealPersonalData accountId={controller.record.id} onRevealed={setRevealed} />}
            {revealed && (
              <Typography variant="body2" color="text.secondary">
                Personal data shown; the reason was recorded in the audit log.
              </Typography>
            )}
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Activations">
            <ArrayField source="activations" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="serviceCode" label="Service" />
                <TextField source="countryCode" label="Country" />
                <FunctionField
                  label="Number"
                  render={(activation: { id: string; maskedPhoneNumber: string }) =>
                    phoneOf(activation.id) ?? activation.maskedPhoneNumber
                  }
                />
                <TextField source="status" />
                <NumberField source="priceMinor" label="Price (cents)" />
                <DateField source="createdAt" label="Ordered" showTime />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Ledger">
            <ArrayField source="ledgerEntries" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="kind" />
                <NumberField source="availableDelta" label="Available Δ" />
                <NumberField source="heldDelta" label="Held Δ" />
                <DateField source="createdAt" label="At" showTime />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Sessions">
            <ArrayField source="sessions" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <DateField source="createdAt" label="Signed in" showTime />
                <DateField source="lastSeenAt" label="Last seen" showTime />
                <DateField source="absoluteExpiresAt" label="Expires" showTime />
                <FunctionField label="State" render={(session: { live: boolean }) => (session.live ? "Live" : "Ended")} />
                <RevokeSessionButton onRevoked={() => controller.refetch()} />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="API keys">
            <ArrayField source="apiKeys" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="prefix" />
                <FunctionField
                  label="Name"
                  render={(key: { id: string }) =>
                    revealed?.apiKeyNames.find((named) => named.apiKeyId === key.id)?.name ?? "(masked)"
                  }
                />
                <DateField source="createdAt" label="Created" showTime />
                <DateField source="lastUsedAt" label="Last used" showTime emptyText="never" />
                <DateField source="revokedAt" label="Revoked" showTime emptyText="-" />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Privacy requests">
            <ArrayField source="privacyRequests" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <TextField source="kind" />
                <TextField source="status" />
                <DateField source="receivedAt" label="Received" showTime />
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          <TabbedShowLayout.Tab label="Support tickets">
            <ArrayField source="supportTickets" label={false}>
              <Datagrid bulkActionButtons={false} rowClick={false}>
                <FunctionField
                  label="Subject"
                  render={(ticket: { id: string }) =>
                    revealed?.ticketSubjects.find((named) => named.ticketId === ticket.id)?.subject ?? "(masked)"
                  }
                />
                <FunctionField
                  label="Status"
                  render={(ticket: SupportTicketRecord) => <TicketStatusChip status={ticket.status} />}
                />
                <TextField source="channel" />
                <NumberField source="replies" />
                <DateField source="createdAt" label="Received" showTime />
                <FunctionField
                  label="Privacy request"
                  render={(ticket: SupportTicketRecord) => <PrivacyRequestLink ticket={ticket} />}
                />
                {may("tickets.handle") ? (
                  <FunctionField
                    label="Ticket"
                    render={(ticket: { id: string }) => <Link to={`/supportTickets/${ticket.id}/show`}>Open ticket</Link>}
                  />
                ) : null}
              </Datagrid>
            </ArrayField>
          </TabbedShowLayout.Tab>
          {/* Holds are retention's business: shown to the roles that read retention (docs/privacy.md, "Staff roles"). */}
          {may("retention.read") ? (
            <TabbedShowLayout.Tab label="Legal holds">
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
  const { data, isPending, error } = useGetList<LegalHoldRecord>("legalHolds", {
    filter: { accountId },
    pagination: { page: 1, perPage: 50 },
  });
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  if (isPending) return null;
  if (!data?.length) return <Typography color="text.secondary">No legal hold was ever placed on this account.</Typography>;
  return (
    <Datagrid data={data} total={data.length} bulkActionButtons={false} rowClick={false} resource="legalHolds">
      <FunctionField label="Status" render={(hold: LegalHoldRecord) => <HoldState hold={hold} />} />
      <TextField source="reasonCode" label="Reason" />
      <DateField source="placedAt" label="Placed" showTime />
      <DateField source="until" label="Until" showTime emptyText="No end date" />
      <DateField source="liftedAt" label="Lifted" showTime emptyText="-" />
      <FunctionField label="Hold" render={(hold: LegalHoldRecord) => <Link to={`/legalHolds/${hold.id}/show`}>Open hold</Link>} />
    </Datagrid>
  );
};

/** Ends a live session after a confirmation; the customer's open sockets on it close. */
const RevokeSessionButton = ({ onRevoked }: { onRevoked: () => void }) => {
  const session = useRecordContext<{ id: string; live: boolean }>();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  if (!session?.live) return null;
  return (
    <Stack direction="row">
      <Button color="error" size="small" onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <Confirm
        isOpen={open}
        title="Revoke this session?"
        content="The customer is signed out on that device at once, and its live connections close."
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          setOpen(false);
          try {
            await accounts.revokeCustomerSession(session.id);
            notify("Session revoked", { type: "success" });
            onRevoked();
          } catch (error) {
            notify(error instanceof Error ? error.message : String(error), { type: "error" });
          }
        }}
      />
    </Stack>
  );
};
