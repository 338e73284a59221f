-- The SMS webhook finds the activation holding a number among the live ones
-- (api/src/domain/sms/ingest.ts). Without an index that is a scan of every
-- activation ever made. Only live activations are indexed: they are a small,
-- steady set however many have ended, and updates to ended activations (the
-- retention purge clearing their routing details, erasure unlinking them)
-- never touch this index. The predicate repeats the query's filter word for
-- word, so the planner can prove the query stays inside it.
CREATE INDEX "Activation_live_phoneNumber_idx" ON "Activation" ("phoneNumber", "createdAt" DESC)
  WHERE "status" IN ('WAITING_SMS', 'SMS_RECEIVED');
