import { AccountList } from "./AccountList.tsx";
import { AccountShow } from "./AccountShow.tsx";

/** Customers' accounts, for support and compliance staff. */
export default {
  list: AccountList,
  show: AccountShow,
  options: { label: "Accounts" },
};
