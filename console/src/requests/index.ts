import { lazyView } from "../lazyView.ts";

export default {
  list: lazyView(() => import("./RequestList.tsx"), "RequestList"),
  show: lazyView(() => import("./RequestShow.tsx"), "RequestShow"),
  options: { label: "Privacy requests" },
};
