import { lazyView } from "../lazyView.ts";

/** The staff resource (ADMIN only: App registers it for members whose capabilities include staff.manage). */
export default {
  list: lazyView(() => import("./StaffList.tsx"), "StaffList"),
  show: lazyView(() => import("./StaffShow.tsx"), "StaffShow"),
  create: lazyView(() => import("./StaffCreate.tsx"), "StaffCreate"),
  recordRepresentation: "displayName",
};
