import type { AuthProvider } from "react-admin";
import { staffSession } from "./dataProvider/index.ts";
import { queryClient } from "./queryClient.ts";

/**
 * The capabilities the menus and screens were last drawn with. react-admin
 * keeps permissions for minutes, but checks the session on every page: when
 * that check finds a member's capabilities changed (an ADMIN changed their
 * role while their console was open), the kept permissions and identity are
 * dropped, so the next page shows the new role's menu without a reload.
 */
let drawnWith: string | null = null;

function noticeCapabilities(capabilities: readonly string[]) {
  const now = [...capabilities].sort().join(" ");
  if (drawnWith !== null && drawnWith !== now) {
    void queryClient.invalidateQueries({ queryKey: ["auth", "getPermissions"] });
    void queryClient.invalidateQueries({ queryKey: ["auth", "getIdentity"] });
  }
  drawnWith = now;
}

/**
 * Staff sessions live in an HttpOnly cookie set by the API, so the console
 * keeps no token: every check asks the server who is signed in.
 *
 * Sign-in has steps (password, then the authenticator code, or enrolling one
 * at first sign-in); the login page runs the first steps itself and calls
 * `login` for the last: with the code (or a recovery code), or with
 * `{ enrolled: true }` once an enrolment already started the session.
 */
type LoginParams = { challengeToken: string; code?: string; recoveryCode?: string } | { enrolled: true };

export const authProvider: AuthProvider = {
  async login(params: LoginParams) {
    if ("enrolled" in params) {
      if (!(await staffSession.viewer())) throw new Error("Sign in to use the staff console.");
      return;
    }
    const { challengeToken, code, recoveryCode } = params;
    await staffSession.verifyTotp(challengeToken, recoveryCode ? { recoveryCode } : { code: code ?? "" });
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
    const staff = await staffSession.viewer(signal);
    if (!staff) throw new Error("Sign in to use the staff console.");
    noticeCapabilities(staff.capabilities);
  },

  async checkError(error: { status?: number }) {
    if (error?.status === 401 || error?.status === 403) throw error;
  },

  async getIdentity({ signal } = {}) {
    const staff = await staffSession.viewer(signal);
    if (!staff) throw new Error("Sign in to use the staff console.");
    return { id: staff.id, fullName: staff.displayName, email: staff.email, role: staff.role };
  },

  /**
   * The signed-in member's capabilities (their role's permissions): screens and menus show only what these allow.
   * Nobody signed in holds none. Not an error: react-admin retries a failed permissions query three times,
   * with back-off, before it shows the sign-in page, which then took seconds to appear.
   */
  async getPermissions({ signal }: { signal?: AbortSignal } = {}) {
    const staff = await staffSession.viewer(signal);
    const capabilities = staff?.capabilities ?? [];
    noticeCapabilities(capabilities);
    return capabilities;
  },

  supportAbortSignal: true,
};
