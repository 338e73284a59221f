import type { AuthProvider } from "react-admin";
import { staffSession } from "./dataProvider/index.ts";

/**
 * Staff sessions live in an HttpOnly cookie set by the API, so the console
 * keeps no token: every check asks the server who is signed in.
 */
export const authProvider: AuthProvider = {
  // react-admin's default login form names its first field `username`; staff sign in by email.
  async login({ username, email, password }: { username?: string; email?: string; password: string }) {
    await staffSession.signIn(email ?? username ?? "", password);
  },

  async logout() {
    try {
      await staffSession.signOut();
    } catch {
      // Leaving the console must not depend on the API answering; an unreachable
      // server or an already expired session leaves nothing to sign out of.
    }
  },

  async checkAuth({ signal }: { signal?: AbortSignal } = {}) {
    if (!(await staffSession.viewer(signal))) throw new Error("Sign in to use the staff console.");
  },

  async checkError(error: { status?: number }) {
    if (error?.status === 401 || error?.status === 403) throw error;
  },

  async getIdentity({ signal } = {}) {
    const staff = await staffSession.viewer(signal);
    if (!staff) throw new Error("Sign in to use the staff console.");
    return { id: staff.id, fullName: staff.displayName, email: staff.email, role: staff.role };
  },

  async getPermissions({ signal }: { signal?: AbortSignal } = {}) {
    const staff = await staffSession.viewer(signal);
    if (!staff) throw new Error("Sign in to use the staff console.");
    return staff.role;
  },

  supportAbortSignal: true,
};
