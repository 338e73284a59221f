import { AbuseSignalList } from "./AbuseSignalList.tsx";

/** Abuse signals (P12) for support and compliance staff: rates and patterns by keys that name no one. */
export default {
  list: AbuseSignalList,
  options: { label: "Abuse signals" },
};
