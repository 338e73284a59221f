/**
 * The records of processing (GDPR Art. 30), as the staff API computes them:
 * one document, read with `getOne` (its id is always "current"), with the
 * Markdown the page offers as a download.
 */

import { graphql } from "../generated/gql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export interface ProcessingTimeLimit {
  key: string;
  kind: "policy" | "rule";
  retentionSecs: number | null;
  period: string | null;
  description: string;
  legalBasis: string | null;
  statement: string;
}

export interface ProcessingRecordField {
  model: string;
  field: string;
  subject: string;
  purpose: string;
  timeLimit: string;
  erasure: string;
}

export interface ProcessingTransfer {
  recipientName: string;
  destination: string;
  countries: string[];
  safeguard: string;
}

export interface ProcessingActivity {
  category: string;
  title: string;
  dataSubjects: string[];
  fields: ProcessingRecordField[];
  recipients: Array<{ key: string; name: string; receives: string[] }>;
  transfers: ProcessingTransfer[];
  timeLimits: ProcessingTimeLimit[];
  securityMeasures: string[];
}

export interface RecordsOfProcessingRecord {
  id: "current";
  generatedAt: string;
  controller: string;
  policyVersion: string | null;
  activities: ProcessingActivity[];
  securityMeasures: Array<{ measure: string; where: string }>;
  markdown: string;
}

const recordsQuery = graphql(`query RecordsOfProcessing {
  recordsOfProcessing {
    generatedAt controller policyVersion
    activities {
      category title dataSubjects
      fields { model field subject purpose timeLimit erasure }
      recipients { key name receives }
      transfers { recipientName destination countries safeguard }
      timeLimits { key kind retentionSecs period description legalBasis statement }
      securityMeasures
    }
    securityMeasures { measure where }
    markdown
  }
}`);

export const recordsOfProcessingQueries: ResourceQueries = {
  async getOne(_resource, params) {
    const { recordsOfProcessing } = await staffGraphql(recordsQuery, {}, params.signal);
    return { data: { id: "current", ...recordsOfProcessing } as never };
  },
};
