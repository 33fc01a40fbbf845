import { Route, Routes } from "react-router-dom";
import { DatasetList } from "./DatasetList";
import { DatasetUpload } from "./DatasetUpload";
import { DatasetPage } from "./DatasetPage";
import { FileLines } from "./FileLines";

export default function DatasetsRoutes() {
  return (
    <Routes>
      <Route index element={<DatasetList />} />
      <Route path="upload" element={<DatasetUpload />} />
      <Route path=":datasetId" element={<DatasetPage />} />
      <Route path=":datasetId/files/:fileId/lines" element={<FileLines />} />
    </Routes>
  );
}
