import { lazyView } from "../lazyView.ts";

/** Legal holds (P8), for compliance staff: data kept past retention and erasure until lifted. */
export default {
  list: lazyView(() => import("./LegalHoldList.tsx"), "LegalHoldList"),
  show: lazyView(() => import("./LegalHoldShow.tsx"), "LegalHoldShow"),
  create: lazyView(() => import("./LegalHoldCreate.tsx"), "LegalHoldCreate"),
  options: { label: "Legal holds" },
};
