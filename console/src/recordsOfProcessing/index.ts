import type { ResourceProps } from "react-admin";
import { lazyView } from "../lazyView.ts";

/** The records of processing (GDPR Art. 30), for compliance staff: one computed document, read and downloaded. */
const recordsOfProcessing: Omit<ResourceProps, "name"> = {
  list: lazyView(() => import("./RecordsOfProcessingPage.tsx"), "RecordsOfProcessingPage"),
  options: { label: "Records of processing" },
};

export default recordsOfProcessing;
