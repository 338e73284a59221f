import { RequestList } from "./RequestList.tsx";
import { RequestShow } from "./RequestShow.tsx";

export default { list: RequestList, show: RequestShow, options: { label: "Privacy requests" } };
