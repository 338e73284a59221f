import { Button } from "@mui/material";
import { useNotify, useTranslate } from "react-admin";

/**
 * Downloads the records as a `.md` file built in memory (a Blob behind an
 * object URL, released at once): nothing is written to browser storage.
 */
export const DownloadMarkdownButton = ({ markdown, generatedAt }: { markdown: string; generatedAt: string }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const download = () => {
    const file = `records-of-processing-${generatedAt.slice(0, 10)}.md`;
    const url = URL.createObjectURL(new Blob([markdown], { type: "text/markdown;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = file;
    document.body.append(link);
    link.click();
    link.remove();
    // The browser has taken the file once the click is handled.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    notify(translate("smsape.records.downloaded", { file }), { type: "info" });
  };
  return (
    <Button variant="contained" onClick={download}>
      {translate("smsape.records.download")}
    </Button>
  );
};
