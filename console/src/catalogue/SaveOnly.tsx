import { SaveButton, Toolbar } from "react-admin";

/** A form toolbar without a delete button: catalogue entries are changed, never deleted (prices and numbers refer to them). */
export const SaveOnly = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);
