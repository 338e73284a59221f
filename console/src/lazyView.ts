import { type ComponentType, lazy } from "react";

/**
 * A resource's screen loaded when first shown, so the sign-in page does not
 * wait for every screen (and charting) to download. react-admin's layout
 * shows its loader meanwhile. `name` is the module's named export.
 */
export function lazyView<Name extends string>(load: () => Promise<Record<Name, ComponentType<any>>>, name: Name) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}
