/** `pg`'s own helpers, which its package has no types for: only what embedded.ts uses. */
declare module "pg/lib/utils.js" {
  const utils: {
    /** A JavaScript value as `pg` sends it as a parameter: text, or a Buffer sent as binary. */
    prepareValue(value: unknown): string | Buffer | null;
  };
  export default utils;
}
