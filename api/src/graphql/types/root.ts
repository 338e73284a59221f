import { builder } from "../builder.ts";

// Root fields name their sub-graph explicitly: nothing reaches a schema by default.
builder.queryType({ defaultSubGraphsForFields: [] });
builder.mutationType({ defaultSubGraphsForFields: [] });
builder.subscriptionType({ defaultSubGraphsForFields: [] });
