import { Route, Routes } from "react-router-dom";
import { LakePage } from "./LakePage";

export default function LakeRoutes() {
  return (
    <Routes>
      <Route index element={<LakePage />} />
      <Route path="*" element={<LakePage />} />
    </Routes>
  );
}
