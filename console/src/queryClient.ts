import { QueryClient } from "@tanstack/react-query";

/**
 * The console's one query cache, shared by react-admin and the auth provider,
 * so the provider can drop what it learns is out of date (the member's
 * permissions after an ADMIN changed their role).
 */
export const queryClient = new QueryClient();
