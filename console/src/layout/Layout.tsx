import type { ReactNode } from "react";
import { Layout as AdminLayout, AppBar, UserMenu, useGetIdentity } from "react-admin";
import { LiveQueue } from "../live/LiveQueue.tsx";

/**
 * The signed-in member's menu. Its button shows the member's name, so its
 * accessible name is that name too (react-admin's says "Profile", which a
 * speech-input user looking at the name could not say).
 */
const StaffUserMenu = () => {
  const { identity } = useGetIdentity();
  return <UserMenu label={identity?.fullName ?? "ra.auth.user_menu"} />;
};

const StaffAppBar = () => <AppBar userMenu={<StaffUserMenu />} />;

/** react-admin's layout, with the live queue watching for every page. */
export const Layout = ({ children }: { children: ReactNode }) => (
  <AdminLayout appBar={StaffAppBar}>
    <LiveQueue />
    {children}
  </AdminLayout>
);
