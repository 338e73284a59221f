import { lazyView } from "../lazyView.ts";

/** Customers' accounts, for support and compliance staff. */
export default {
  list: lazyView(() => import("./AccountList.tsx"), "AccountList"),
  show: lazyView(() => import("./AccountShow.tsx"), "AccountShow"),
  options: { label: "smsape.accounts.name" },
};
