import { fileURLToPath } from "node:url";

export { printSchemas } from "./schema.ts";

/** Where the printed SDL of each schema is checked in. */
export const schemaFiles = {
  customer: fileURLToPath(new URL("../../../schema/customer.graphql", import.meta.url)),
  staff: fileURLToPath(new URL("../../../schema/staff.graphql", import.meta.url)),
};
