import { Box, Chip, Stack } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-admin";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { type RequestStats, requestStats } from "../dataProvider/dashboard.ts";
import { filteredList } from "./WidgetCard.tsx";

/** The days the request charts cover, today the last. */
export const chartDays = 14;

const dayMs = 24 * 60 * 60_000;

/** Both charts read the same counts: one request for the two. */
export const useRequestStats = () =>
  useQuery({ queryKey: ["dashboard", "requestStats", chartDays], queryFn: ({ signal }) => requestStats(chartDays, signal) });

const palette = ["#1976d2", "#ed6c02", "#2e7d32", "#9c27b0", "#d32f2f", "#0288d1", "#795548", "#607d8b"];

/**
 * Requests received per day, stacked by `by` (their right or their state
 * now), with each series' total as a link to the queue filtered on it.
 */
export const DailyRequestsChart = ({
  stats,
  by,
  labels,
  ariaLabel,
}: {
  stats: RequestStats;
  by: "kind" | "status";
  labels: Record<string, string>;
  ariaLabel: string;
}) => {
  const series = Object.keys(labels);
  const start = Date.parse(stats.since);
  const days = Array.from({ length: stats.days }, (_, index) => new Date(start + index * dayMs).toISOString().slice(0, 10));
  const rows = days.map((day) => {
    const row: Record<string, string | number> = { day: day.slice(5) };
    for (const name of series) row[name] = 0;
    for (const count of stats.counts) if (count.day === day) row[count[by]] = Number(row[count[by]] ?? 0) + count.count;
    return row;
  });
  const totals = series
    .map((name) => ({
      name,
      total: stats.counts.filter((count) => count[by] === name).reduce((sum, count) => sum + count.count, 0),
    }))
    .filter(({ total }) => total > 0);
  return (
    <Box>
      <Box role="img" aria-label={ariaLabel} sx={{ height: 220 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            {series
              .filter((name) => totals.some((total) => total.name === name))
              .map((name) => (
                <Bar
                  key={name}
                  dataKey={name}
                  name={labels[name] ?? name}
                  stackId="day"
                  fill={palette[series.indexOf(name) % palette.length]}
                  isAnimationActive={false}
                />
              ))}
          </BarChart>
        </ResponsiveContainer>
      </Box>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", mt: 1 }}>
        {totals.map(({ name, total }) => (
          <Chip
            key={name}
            size="small"
            component={Link}
            to={filteredList("privacyRequests", { [by]: name })}
            clickable
            label={`${labels[name] ?? name}: ${total}`}
          />
        ))}
      </Stack>
    </Box>
  );
};
