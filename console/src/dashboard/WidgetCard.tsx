import { Alert, Card, CardContent, CardHeader, CircularProgress } from "@mui/material";
import { type ReactNode, useId } from "react";
import { Link } from "react-admin";

/** A dashboard widget's frame: its title, a link to the list behind it, and its body (or why it has none). */
export const WidgetCard = ({
  title,
  listLink,
  listLabel,
  isPending,
  error,
  children,
}: {
  title: string;
  /** The console route of the filtered list behind the widget. */
  listLink: string;
  listLabel: string;
  isPending: boolean;
  error: unknown;
  children: ReactNode;
}) => {
  const headingId = useId();
  return (
    <Card component="section" aria-labelledby={headingId} sx={{ height: "100%" }}>
      <CardHeader
        title={title}
        slotProps={{ title: { id: headingId, component: "h2", variant: "h6" } }}
        action={<Link to={listLink}>{listLabel}</Link>}
      />
      <CardContent>
        {isPending ? (
          <CircularProgress size={24} aria-label={title} />
        ) : error ? (
          <Alert severity="error">{error instanceof Error ? error.message : String(error)}</Alert>
        ) : (
          children
        )}
      </CardContent>
    </Card>
  );
};

/** A list route with its filter in the URL, as react-admin's List reads it. */
export const filteredList = (resource: string, filter: Record<string, string> = {}) =>
  Object.keys(filter).length === 0 ? `/${resource}` : `/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`;
