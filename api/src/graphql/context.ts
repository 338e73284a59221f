import type { StaffRole } from "@smsape/db";
import type { YogaInitialContext } from "graphql-yoga";
import type { Services } from "../services/index.ts";

export type Viewer =
  | { kind: "anonymous" }
  | { kind: "account"; accountId: string; sessionId: string | null; apiKeyId: string | null }
  | { kind: "staff"; staffUserId: string; role: StaffRole; sessionId: string };

export interface Context extends YogaInitialContext {
  services: Services;
  viewer: Viewer;
}
