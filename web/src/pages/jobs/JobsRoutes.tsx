import { Route, Routes } from "react-router-dom";
import { JobsPage } from "./JobsPage";
import { JobDetail } from "./JobDetail";

export default function JobsRoutes() {
  return (
    <Routes>
      <Route index element={<JobsPage />} />
      <Route path=":jobId" element={<JobDetail />} />
    </Routes>
  );
}
