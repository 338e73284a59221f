import { defaultDarkTheme, defaultLightTheme, type RaThemeOptions } from "react-admin";

/**
 * react-admin's default themes with colours darkened (light) or lightened
 * (dark) where their text fell under WCAG AA's 4.5:1 contrast: white on the
 * app bar's blue, the primary blue on the page, white on warning and info
 * chips. tests/console/accessibility.test.ts checks every page in both.
 */
/** Every spinner is announced as loading (react-admin's app-bar indicator has no name of its own). */
const components = {
  MuiCircularProgress: { defaultProps: { "aria-label": "Loading" } },
};

export const lightTheme: RaThemeOptions = {
  ...defaultLightTheme,
  components: { ...defaultLightTheme.components, ...components },
  palette: {
    ...defaultLightTheme.palette,
    primary: { main: "#1565c0", light: "#5e92f3", dark: "#003c8f", contrastText: "#fff" },
    secondary: { main: "#1565c0", light: "#5e92f3", dark: "#003c8f", contrastText: "#fff" },
    warning: { main: "#a74600", light: "#d9731c", dark: "#722f00", contrastText: "#fff" },
    info: { main: "#01579b", light: "#4f83cc", dark: "#002f6c", contrastText: "#fff" },
    success: { main: "#1b5e20", light: "#4c8c4a", dark: "#003300", contrastText: "#fff" },
  },
};

export const darkTheme: RaThemeOptions = {
  ...defaultDarkTheme,
  components: { ...defaultDarkTheme.components, ...components },
  palette: {
    ...defaultDarkTheme.palette,
    warning: { main: "#ffb74d", contrastText: "rgba(0, 0, 0, 0.87)" },
    info: { main: "#4fc3f7", contrastText: "rgba(0, 0, 0, 0.87)" },
    success: { main: "#81c784", contrastText: "rgba(0, 0, 0, 0.87)" },
    error: { main: "#f48fb1", contrastText: "rgba(0, 0, 0, 0.87)" },
  },
};
