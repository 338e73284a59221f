import type { YogaInitialContext } from "graphql-yoga";
import type { AccountActor, StaffActor } from "../domain/actors.ts";
import type { Balance } from "../domain/ledger/ledger.ts";
import type { Services } from "../services/index.ts";

/** Who sent the request. A customer or a staff member is the actor the domain acts for, as it is. */
export type Viewer = { kind: "anonymous" } | AccountActor | StaffActor;

/** The WebSocket a subscription runs on, as far as a resolver may act on it. */
export interface LiveConnection {
  /** Closes the socket, telling the client its credential ended and it must authenticate again. */
  credentialEnded(): void;
}

/** What the service adds to every request's context. */
export interface RequestContext {
  services: Services;
  viewer: Viewer;
  /** Where the request came from, as rate limits and abuse signals know it: the day's keyed hash of its network (P12). */
  client: { network: string };
  /**
   * What the credential lookup read for the operation in the same statement:
   * the signed-in account's balance when the operation reads `balance`, so
   * the field costs no statement of its own (see `resolveViewer`).
   */
  readAhead: { balance?: Balance };
  /** Set for operations over graphql-ws, absent over HTTP. */
  connection?: LiveConnection | undefined;
}

/** What resolvers see: Yoga's own context (request, params) and ours. */
export type Context = YogaInitialContext & RequestContext;
