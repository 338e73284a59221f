import { Box } from "@mui/material";
import { Title, useTranslate } from "react-admin";
import { Welcome } from "./Welcome.tsx";

export const Dashboard = () => {
  const translate = useTranslate();
  return (
    <Box sx={{ mt: 2 }}>
      <Title title={translate("smsape.title")} />
      <Welcome />
    </Box>
  );
};
