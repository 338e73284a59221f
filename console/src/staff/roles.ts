/** The roles, as choices for inputs; the labels come from smsape.staffRole. */
export const staffRoleChoices = ["SUPPORT", "COMPLIANCE", "ADMIN"].map((role) => ({
  id: role,
  name: `smsape.staffRole.${role}`,
}));
