import { lazyView } from "../lazyView.ts";

export default { list: lazyView(() => import("./TicketList.tsx"), "TicketList"), options: { label: "Support tickets" } };
