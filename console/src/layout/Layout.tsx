import type { ReactNode } from "react";
import { Layout as AdminLayout } from "react-admin";
import { LiveQueue } from "../live/LiveQueue.tsx";

/** react-admin's layout, with the live queue watching for every page. */
export const Layout = ({ children }: { children: ReactNode }) => (
  <AdminLayout>
    <LiveQueue />
    {children}
  </AdminLayout>
);
