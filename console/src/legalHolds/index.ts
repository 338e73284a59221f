import { LegalHoldCreate } from "./LegalHoldCreate.tsx";
import { LegalHoldList } from "./LegalHoldList.tsx";
import { LegalHoldShow } from "./LegalHoldShow.tsx";

/** Legal holds (P8), for compliance staff: data kept past retention and erasure until lifted. */
export default {
  list: LegalHoldList,
  show: LegalHoldShow,
  create: LegalHoldCreate,
  options: { label: "Legal holds" },
};
