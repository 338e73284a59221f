import {
  Alert,
  Card,
  CardContent,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useGetList, useTranslate } from "react-admin";
import { type CountryRecord, numberAvailability } from "../dataProvider/catalogue.ts";

/**
 * How one country's numbers stand for each service: available to order now,
 * resting from the service (quarantined), in use, retired. It is read again
 * whenever the page refreshes (after an import or a retirement).
 */
export const AvailabilityTable = () => {
  const translate = useTranslate();
  const { data: countries } = useGetList<CountryRecord>("catalogueCountries", {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: "code", order: "ASC" },
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const countryCode = chosen ?? countries?.[0]?.code ?? null;
  const { data, error } = useQuery({
    queryKey: ["numberAvailability", countryCode],
    queryFn: ({ signal }) => numberAvailability(countryCode, signal),
    enabled: countryCode !== null,
  });
  const heading = translate("smsape.numberPool.availabilityTitle");
  return (
    <Card variant="outlined" sx={{ mt: 2, mb: 1 }} component="section" aria-label={heading}>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          {heading}
        </Typography>
        <TextField
          select
          size="small"
          label={translate("smsape.numberPool.availabilityCountry")}
          value={countryCode ?? ""}
          onChange={(event) => setChosen(event.target.value)}
          sx={{ width: 280, mb: 1 }}
        >
          {(countries ?? []).map((country) => (
            <MenuItem key={country.code} value={country.code}>
              {country.code} {country.name}
            </MenuItem>
          ))}
        </TextField>
        {error ? <Alert severity="error">{(error as Error).message}</Alert> : null}
        {data && (
          <Table size="small" aria-label={translate("smsape.numberPool.availabilityTable", { country: countryCode ?? "" })}>
            <TableHead>
              <TableRow>
                <TableCell>{translate("smsape.numberPool.service")}</TableCell>
                <TableCell>{translate("smsape.numberPool.offered")}</TableCell>
                <TableCell align="right">{translate("smsape.numberPool.available")}</TableCell>
                <TableCell align="right">{translate("smsape.numberPool.quarantined")}</TableCell>
                <TableCell align="right">{translate("smsape.numberPool.inUse")}</TableCell>
                <TableCell align="right">{translate("smsape.numberPool.retired")}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.map((row) => (
                <TableRow key={row.id}>
                  <TableCell>{row.serviceCode}</TableCell>
                  <TableCell>{translate(row.offered ? "smsape.numberPool.yes" : "smsape.numberPool.notPriced")}</TableCell>
                  <TableCell align="right">{row.available}</TableCell>
                  <TableCell align="right">{row.quarantined}</TableCell>
                  <TableCell align="right">{row.inUse}</TableCell>
                  <TableCell align="right">{row.retired}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
};
