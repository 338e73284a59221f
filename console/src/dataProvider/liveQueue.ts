/**
 * The staff API's live queue over graphql-ws on /admin/graphql. The browser
 * sends the session cookie with the WebSocket upgrade, so the socket is
 * authenticated when it connects, as every request is; the server checks the
 * member's role for each event and closes the socket (4401) when the session
 * ends, after which the console does not reconnect.
 */
import { type Client, CloseCode, createClient } from "graphql-ws";
import { graphql } from "../generated/gql.ts";
import type { RequestStatus } from "./privacyRequests.ts";
import { operationBody, type ResultOf, STAFF_GRAPHQL_URL } from "./staffGraphql.ts";

export interface QueueChange {
  id: string;
  status: RequestStatus;
  /** No staff member has taken a step on it yet: it is new to the queue. */
  untouchedByStaff: boolean;
}

export interface QueueWatch {
  /** The request that changed (null when the member may no longer read it). */
  onChange(change: QueueChange | null): void;
  /** After the socket reconnects, events may have been missed. */
  onReconnected(): void;
  /** The session ended or the role may not watch the queue: the socket is closed for good. */
  onEnded(): void;
}

/** Closes that mean the credential is gone or not enough; reconnecting with it would be refused again. */
const finalCloses = new Set<number>([CloseCode.Unauthorized, CloseCode.Forbidden]);

const closeCode = (event: unknown) =>
  typeof event === "object" && event !== null && "code" in event ? Number((event as { code: unknown }).code) : null;

function socketUrl(): string {
  const url = new URL(STAFF_GRAPHQL_URL, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

const privacyQueueChanged = graphql(`
  subscription PrivacyQueueChanged { privacyQueueChanged { id status timeline { actorType } } }
`);

/** Watches the privacy queue until the returned function is called. */
export function watchPrivacyQueue(watch: QueueWatch): () => void {
  let connections = 0;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    watch.onEnded();
  };
  const client: Client = createClient({
    url: socketUrl(),
    retryAttempts: 20,
    shouldRetry: (event) => {
      const code = closeCode(event);
      return code !== null && !finalCloses.has(code);
    },
    on: {
      connected: () => {
        connections += 1;
        if (connections > 1) watch.onReconnected();
      },
      closed: (event) => {
        const code = closeCode(event);
        if (code !== null && finalCloses.has(code)) end();
      },
    },
  });
  const unsubscribe = client.subscribe<ResultOf<typeof privacyQueueChanged>>(
    // graphql-ws wants a query string: an empty one when only the hash is sent.
    { query: "", ...operationBody(privacyQueueChanged) },
    {
      next: ({ data }) => {
        const changed = data?.privacyQueueChanged ?? null;
        watch.onChange(
          changed && {
            id: changed.id,
            status: changed.status,
            untouchedByStaff: changed.timeline.every((step) => step.actorType !== "STAFF"),
          },
        );
      },
      error: () => end(),
      complete: () => {},
    },
  );
  return () => {
    ended = true;
    unsubscribe();
    void client.dispose();
  };
}
