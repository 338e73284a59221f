import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useCheckAuth, useNotify, usePermissions } from "react-admin";
import { watchPrivacyQueue } from "../dataProvider/liveQueue.ts";

/** The cached queries a change to the privacy queue makes stale: the queue, request pages and the dashboard. */
const queueQueries = new Set(["privacyRequests", "dashboard"]);

/**
 * Keeps what a member has open current while requests arrive and change:
 * the queue, a request's page (another member's step shows at once) and the
 * dashboard are read again on each event, and a request just filed is
 * announced. Mounted once in the layout, for members who may read the queue.
 */
export const LiveQueue = () => {
  const { permissions } = usePermissions();
  const mayRead = Array.isArray(permissions) && permissions.includes("requests.read");
  const queryClient = useQueryClient();
  const notify = useNotify();
  const checkAuth = useCheckAuth();

  useEffect(() => {
    if (!mayRead) return;
    // Each request is announced once per page load, however often it changes before staff take it up.
    const announced = new Set<string>();
    const refetch = () => queryClient.invalidateQueries({ predicate: (query) => queueQueries.has(String(query.queryKey[0])) });
    return watchPrivacyQueue({
      onChange: (change) => {
        void refetch();
        if (change?.untouchedByStaff && !announced.has(change.id)) {
          announced.add(change.id);
          notify("smsape.live.newRequest", { type: "info" });
        }
      },
      onReconnected: () => void refetch(),
      // A closed session sends the member to the sign-in page; a socket refused for other reasons just stops.
      onEnded: () => void checkAuth({}, true).catch(() => {}),
    });
  }, [mayRead, queryClient, notify, checkAuth]);

  return null;
};
