import { TicketList } from "./TicketList.tsx";

export default { list: TicketList, options: { label: "Support tickets" } };
