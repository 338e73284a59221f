import type { StaffRole } from "@smsape/db";
import type { YogaInitialContext } from "graphql-yoga";
import type { Services } from "../services/index.ts";

export type Viewer =
  | { kind: "anonymous" }
  | { kind: "account"; accountId: string; sessionId: string | null; apiKeyId: string | null }
  | { kind: "staff"; staffUserId: string; role: StaffRole; sessionId: string };

/** What the service adds to every request's context. */
export interface RequestContext {
  services: Services;
  viewer: Viewer;
}

/** What resolvers see: Yoga's own context (request, params) and ours. */
export type Context = YogaInitialContext & RequestContext;
