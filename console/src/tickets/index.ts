import { TicketList } from "./TicketList.tsx";
import { TicketShow } from "./TicketShow.tsx";

export default { list: TicketList, show: TicketShow, options: { label: "Support tickets" } };
