import type { ResourceProps } from "react-admin";
import { RecordsOfProcessingPage } from "./RecordsOfProcessingPage.tsx";

/** The records of processing (GDPR Art. 30), for compliance staff: one computed document, read and downloaded. */
const recordsOfProcessing: Omit<ResourceProps, "name"> = {
  list: RecordsOfProcessingPage,
  options: { label: "Records of processing" },
};

export default recordsOfProcessing;
