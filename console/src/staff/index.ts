import { StaffCreate } from "./StaffCreate.tsx";
import { StaffList } from "./StaffList.tsx";
import { StaffShow } from "./StaffShow.tsx";

/** The staff resource (ADMIN only: App registers it for members whose capabilities include staff.manage). */
export default { list: StaffList, show: StaffShow, create: StaffCreate, recordRepresentation: "displayName" };
