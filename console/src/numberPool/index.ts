import { PoolNumberList } from "./PoolNumberList.tsx";

/** The pool of numbers (ADMIN, `catalogue.manage`): list, import, retire, availability per service. */
export default {
  list: PoolNumberList,
  options: { label: "Number pool" },
  recordRepresentation: "phoneNumber",
};
