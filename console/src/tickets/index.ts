import { lazyView } from "../lazyView.ts";

export default {
  list: lazyView(() => import("./TicketList.tsx"), "TicketList"),
  show: lazyView(() => import("./TicketShow.tsx"), "TicketShow"),
  options: { label: "smsape.tickets.name" },
};
